package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One node's computation. An Op is built once per node from its attributes
 * ({@link OpFactory}); it holds no tensors between calls, only what the node's attributes say.
 * Ops work for any floating type, so gradient checks run them in float64.
 */
public interface Op {

    /**
     * Computes the node's outputs. {@code inputs[i]} is null for an absent optional input.
     * Stash what {@link #backward} needs in {@code ctx}.
     */
    INDArray[] forward(INDArray[] inputs, OpContext ctx);

    /**
     * Given the gradients of the loss w.r.t. each output (null where an output does not reach
     * the loss), returns the gradient w.r.t. each input, in input order; null for inputs that
     * have none (integer shapes, BatchNorm running statistics, absent inputs).
     */
    INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx);

    /**
     * Input positions that are trainable parameters when fed by an initializer (Conv weight and
     * bias, Gemm B and C, BatchNorm scale and bias, ...). Default: none.
     */
    default int[] trainableInputs() {
        return new int[0];
    }
}
