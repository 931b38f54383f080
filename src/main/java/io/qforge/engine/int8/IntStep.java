package io.qforge.engine.int8;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One prepared layer of an {@link IntExecutor}: INT8 input tensors (by name) to its INT8 outputs
 * (one, or each used output of a float island such as Split). The kernel holds everything
 * precomputed (weights, column sums, multipliers, tables).
 */
record IntStep(String name, String type, List<String> inputs, List<String> outputs, Outputs kernel) {

    IntStep {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** A layer with one output. */
    @FunctionalInterface
    interface Kernel {
        INDArray apply(INDArray[] inputs);
    }

    /** A layer with any number of outputs, in {@link #outputs()} order. */
    @FunctionalInterface
    interface Outputs {
        INDArray[] apply(INDArray[] inputs);
    }
}
