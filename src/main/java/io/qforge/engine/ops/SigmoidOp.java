package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** ONNX Sigmoid: {@code Y = 1 / (1 + e^-X)}; {@code dX = G * Y * (1 - Y)} (from the saved output). */
final class SigmoidOp implements Op {

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        return new INDArray[] {Transforms.sigmoid(inputs[0], true)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray y = outputs != null && outputs[0] != null ? outputs[0] : Transforms.sigmoid(inputs[0], true);
        if (FloatKernels.plain(y) && FloatKernels.plain(gradOutputs[0]) && y.length() == gradOutputs[0].length()) {
            return new INDArray[] {GatingKernels.sigmoidBackward(y, gradOutputs[0])};
        }
        return new INDArray[] {y.rsub(1.0).muli(y).muli(gradOutputs[0])};
    }
}
