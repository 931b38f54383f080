package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/** ONNX Relu: {@code Y = max(X, 0)}; {@code dX = G * [X > 0]} (ND4J {@code relu} / {@code relu_bp}, tArg 0). */
final class ReluOp implements Op {

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        return new INDArray[] {CustomOps.exec("relu", new INDArray[] {inputs[0]}, null, 0.0)[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray y = outputs[0];
        INDArray g = gradOutputs[0];
        if (y != null && FloatKernels.plain(y) && FloatKernels.plain(g) && y.equalShapes(g)) {
            return new INDArray[] {FloatKernels.reluBackward(y, g)};
        }
        return new INDArray[] {CustomOps.exec("relu_bp", new INDArray[] {inputs[0], gradOutputs[0]}, null, 0.0)[0]};
    }
}
