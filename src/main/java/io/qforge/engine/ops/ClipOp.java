package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ONNX Clip (opset 11+ form, as the importer normalizes it): {@code Y = min(max(X, lo), hi)}
 * with optional scalar inputs lo (1) and hi (2); an absent bound does not clip. ReLU6 is
 * Clip(0, 6). Backward: {@code dX = G * [lo <= X <= hi]} (PyTorch's clamp convention at the
 * bounds); the bounds get no gradient.
 */
final class ClipOp implements Op {
    private final Node node;

    ClipOp(Node node) {
        this.node = node;
    }

    private double bound(INDArray[] inputs, int i, double absent) {
        if (inputs.length <= i || inputs[i] == null) {
            return absent;
        }
        if (inputs[i].length() != 1) {
            throw new IllegalArgumentException("Clip '" + node.name() + "': input " + i + " ("
                    + node.input(i) + ") must be a scalar, has " + inputs[i].length() + " elements");
        }
        return inputs[i].getDouble(0);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        double lo = bound(inputs, 1, Double.NEGATIVE_INFINITY);
        double hi = bound(inputs, 2, Double.POSITIVE_INFINITY);
        if (lo > hi) {
            throw new IllegalArgumentException("Clip '" + node.name() + "': min " + lo + " > max " + hi);
        }
        INDArray y = inputs[0];
        boolean copied = false;
        if (lo != Double.NEGATIVE_INFINITY) {
            y = Transforms.max(y, lo, true);
            copied = true;
        }
        if (hi != Double.POSITIVE_INFINITY) {
            y = Transforms.min(y, hi, !copied);
            copied = true;
        }
        return new INDArray[] {copied ? y : y.dup()};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        double lo = bound(inputs, 1, Double.NEGATIVE_INFINITY);
        double hi = bound(inputs, 2, Double.POSITIVE_INFINITY);
        INDArray g = gradOutputs[0].dup();
        if (lo != Double.NEGATIVE_INFINITY) {
            g.muli(x.gte(lo).castTo(g.dataType()));
        }
        if (hi != Double.POSITIVE_INFINITY) {
            g.muli(x.lte(hi).castTo(g.dataType()));
        }
        INDArray[] out = new INDArray[inputs.length];
        out[0] = g;
        return out;
    }
}
