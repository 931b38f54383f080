package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An op that only reshapes X by a rule over its {@code axes} (input 1, or the opset 11-12
 * attribute): Squeeze and Unsqueeze. Forward reshapes X to {@link #outShape}; backward reshapes G
 * back to X's shape.
 */
abstract class AxesReshapeOp implements Op {
    final Node node;

    AxesReshapeOp(Node node) {
        this.node = node;
    }

    /** The output shape for input shape {@code x} and {@code axes} (null when absent). */
    abstract long[] outShape(long[] x, long[] axes);

    @Override
    public final INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        long[] axes = inputs.length > 1 && inputs[1] != null ? Axes.values(inputs[1]) : node.attrInts("axes", null);
        return new INDArray[] {x.reshape('c', outShape(x.shape(), axes))};
    }

    @Override
    public final INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray[] out = new INDArray[inputs.length];
        out[0] = gradOutputs[0].reshape('c', inputs[0].shape());
        return out;
    }
}
