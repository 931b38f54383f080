package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Sub with numpy broadcasting: {@code Y = A - B}. Backward: {@code dA = G},
 * {@code dB = -G}, each summed over the dimensions along which that input was broadcast.
 * Trainable inputs: 0 and 1 (an initializer operand, e.g. a learned offset). Shape: the
 * broadcast of the inputs' (ShapeInference's Add/Sub/Mul/Div rule).
 */
final class SubOp implements Op {
    private final Node node;

    SubOp(Node node) {
        this.node = node;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        Broadcasting.shape(inputs[0].shape(), inputs[1].shape(), "Sub '" + node.name() + "'");
        return new INDArray[] {CustomOps.exec("subtract", inputs[0], inputs[1])[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray g = gradOutputs[0];
        return new INDArray[] {Broadcasting.reduceTo(g, inputs[0].shape()),
            Broadcasting.reduceTo(g.neg(), inputs[1].shape())};
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {0, 1};
    }
}
