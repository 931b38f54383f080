package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Mul with numpy broadcasting: {@code Y = A * B}. Backward: {@code dA = G * B},
 * {@code dB = G * A}, each summed over the dimensions along which that input was broadcast.
 * Trainable inputs: 0 and 1 (an initializer operand, e.g. a learned scale).
 */
final class MulOp implements Op {
    private final Node node;

    MulOp(Node node) {
        this.node = node;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        Broadcasting.shape(inputs[0].shape(), inputs[1].shape(), "Mul '" + node.name() + "'");
        return new INDArray[] {CustomOps.exec("multiply", inputs[0], inputs[1])[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray g = gradOutputs[0];
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        if (FloatKernels.plain(g) && FloatKernels.plain(a) && FloatKernels.plain(b)
                && java.util.Arrays.equals(g.shape(), a.shape())) {
            // SiLU (x * sigmoid(x)) and squeeze-excitation (x * gate[n,c]): one pass each
            if (java.util.Arrays.equals(a.shape(), b.shape())) {
                return GatingKernels.mulBackward(g, a, b);
            }
            if (GatingKernels.isPlaneGate(b, a)) {
                return GatingKernels.gateBackward(g, a, b);
            }
        }
        if (FloatKernels.plain(g) && FloatKernels.plain(b) && java.util.Arrays.equals(g.shape(), b.shape())
                && GatingKernels.isPlaneGate(a, b)) {
            INDArray[] r = GatingKernels.gateBackward(g, b, a);
            return new INDArray[] {r[1], r[0]};
        }
        if (FloatKernels.plain(g) && FloatKernels.plain(a) && b.dataType() == DataType.FLOAT
                && java.util.Arrays.equals(g.shape(), a.shape()) && FloatKernels.perChannelOf(b.shape(), a)) {
            // y = a * b[c] (the QAT graph's BN unscale): da and db in one pass
            double[] db = new double[(int) b.length()];
            INDArray da = FloatKernels.channelScaleBackward(g, a, b.reshape(b.length()).toFloatVector(), db);
            return new INDArray[] {da, Broadcasting.channelVector(db, b.shape())};
        }
        INDArray da = Broadcasting.reduceTo(CustomOps.exec("multiply", g, b)[0], a.shape());
        INDArray db = Broadcasting.reduceTo(CustomOps.exec("multiply", g, a)[0], b.shape());
        return new INDArray[] {da, db};
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {0, 1};
    }
}
