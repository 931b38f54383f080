package io.qforge.engine.int8;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One prepared layer of an {@link IntExecutor}: INT8 input tensors (by name) to one INT8 output.
 * The kernel holds everything precomputed (weights, column sums, multipliers, tables).
 */
record IntStep(String name, String type, List<String> inputs, String output, Kernel kernel) {

    @FunctionalInterface
    interface Kernel {
        INDArray apply(INDArray[] inputs);
    }
}
