package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ONNX HardSwish (opset 14): {@code Y = X * max(0, min(1, X / 6 + 1/2))}. Backward:
 * {@code dX = G * (X / 3 + 1/2)} for {@code -3 < X < 3}, {@code G} for {@code X >= 3}, 0 below
 * -3 (PyTorch's hardswish_backward). Shape: the input's. PyTorch exports it below opset 14 as
 * HardSigmoid + Mul, which runs as those two ops.
 */
final class HardSwishOp implements Op {

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        INDArray h = Transforms.min(Transforms.max(x.div(6.0).addi(0.5), 0.0, false), 1.0, false);
        return new INDArray[] {h.muli(x)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        INDArray mid = x.gt(-3.0).castTo(x.dataType()).muli(x.lt(3.0).castTo(x.dataType()));
        INDArray high = x.gte(3.0).castTo(x.dataType());
        INDArray slope = x.div(3.0).addi(0.5).muli(mid).addi(high);
        return new INDArray[] {slope.muli(gradOutputs[0])};
    }
}
