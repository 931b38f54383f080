package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ONNX HardSigmoid: {@code Y = max(0, min(1, alpha * X + beta))} (defaults alpha 0.2, beta 0.5;
 * PyTorch's Hardsigmoid exports alpha 1/6). Backward: {@code dX = G * alpha} where
 * {@code 0 < alpha * X + beta < 1}, else 0 (the kinks get no gradient, as in PyTorch).
 * Shape: the input's.
 */
final class HardSigmoidOp implements Op {
    private final double alpha;
    private final double beta;

    HardSigmoidOp(Node node) {
        this.alpha = node.attrFloat("alpha", 0.2);
        this.beta = node.attrFloat("beta", 0.5);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray z = inputs[0].mul(alpha).addi(beta);
        return new INDArray[] {Transforms.min(Transforms.max(z, 0.0, false), 1.0, false)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray z = inputs[0].mul(alpha).addi(beta);
        INDArray inside = z.gt(0.0).castTo(z.dataType()).muli(z.lt(1.0).castTo(z.dataType()));
        return new INDArray[] {inside.muli(gradOutputs[0]).muli(alpha)};
    }
}
