package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/** ONNX Neg: {@code Y = -X}; {@code dX = -G}. Shape: the input's. */
final class NegOp implements Op {

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        return new INDArray[] {inputs[0].neg()};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        return new INDArray[] {gradOutputs[0].neg()};
    }
}
