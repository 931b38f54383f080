package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Div (floating point) with numpy broadcasting: {@code Y = A / B}. Backward:
 * {@code dA = G / B}, {@code dB = -G * A / B^2}, each summed over the dimensions along which
 * that input was broadcast. Trainable inputs: 0 and 1. Shape: the broadcast of the inputs'.
 */
final class DivOp implements Op {
    private final Node node;

    DivOp(Node node) {
        this.node = node;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        Broadcasting.shape(inputs[0].shape(), inputs[1].shape(), "Div '" + node.name() + "'");
        return new INDArray[] {CustomOps.exec("divide", inputs[0], inputs[1])[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray g = gradOutputs[0];
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        INDArray gOverB = CustomOps.exec("divide", g, b)[0];
        INDArray da = Broadcasting.reduceTo(gOverB, a.shape());
        INDArray y = outputs != null && outputs[0] != null ? outputs[0] : forward(inputs, ctx)[0];
        INDArray db = Broadcasting.reduceTo(gOverB.mul(y).negi(), b.shape());
        return new INDArray[] {da, db};
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {0, 1};
    }
}
