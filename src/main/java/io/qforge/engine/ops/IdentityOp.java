package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/** ONNX Identity: Y is X (the same array, not a copy); dX = G. */
final class IdentityOp implements Op {

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        return new INDArray[] {inputs[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        return new INDArray[] {gradOutputs[0]};
    }
}
