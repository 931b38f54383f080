package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Flatten: X of rank r -> [d0*...*d(axis-1), d(axis)*...*d(r-1)]; axis in [-r, r],
 * default 1. The output may be a view of X. Backward reshapes G to X's shape.
 */
final class FlattenOp implements Op {
    private final Node node;
    private final long axis;

    FlattenOp(Node node) {
        this.node = node;
        this.axis = node.attrInt("axis", 1);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        int r = x.rank();
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a > r) {
            throw new IllegalArgumentException("Flatten '" + node.name() + "': axis " + axis
                    + " is outside [-" + r + ", " + r + "] for input " + Arrays.toString(x.shape()));
        }
        long outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= x.size(i);
        }
        return new INDArray[] {x.reshape('c', outer, x.length() / Math.max(outer, 1))};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        return new INDArray[] {gradOutputs[0].reshape('c', inputs[0].shape())};
    }
}
