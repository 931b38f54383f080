package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ONNX Softmax (opset 13 meaning: one axis; the importer supplies an explicit axis):
 * {@code Y = exp(X - max) / sum_axis exp(X - max)}. Backward: {@code dX = Y * (G - sum_axis(G * Y))}.
 * Written with reductions rather than ND4J's {@code softmax} op, whose axis argument gave wrong
 * results for an inner axis of a 4-D float32 input (checked against ONNX Runtime).
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
        int a = axis(x);
        INDArray e = Transforms.exp(x.sub(x.max(true, a)), false);
        return new INDArray[] {e.divi(e.sum(true, a))};
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
