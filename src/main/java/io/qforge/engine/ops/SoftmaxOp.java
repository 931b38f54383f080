package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Softmax (opset 13 meaning: one axis; the importer supplies an explicit axis):
 * {@code Y = exp(X) / sum_axis exp(X)}. Backward: {@code dX = Y * (G - sum_axis(G * Y))}.
 */
final class SoftmaxOp implements Op {
    private final Node node;
    private final long axis;

    SoftmaxOp(Node node) {
        this.node = node;
        this.axis = node.attrInt("axis", -1);
    }

    private int axis(INDArray x) {
        long a = axis < 0 ? axis + x.rank() : axis;
        if (a < 0 || a >= x.rank()) {
            throw new IllegalArgumentException("Softmax '" + node.name() + "': axis " + axis
                    + " is outside the input of shape " + Arrays.toString(x.shape()));
        }
        return (int) a;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        return new INDArray[] {CustomOps.exec("softmax", new INDArray[] {x}, new int[] {axis(x)})[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        int a = axis(x);
        INDArray y = outputs != null && outputs[0] != null ? outputs[0] : forward(inputs, ctx)[0];
        INDArray g = gradOutputs[0];
        INDArray dot = g.mul(y).sum(true, a);
        return new INDArray[] {g.sub(dot).muli(y)};
    }
}
