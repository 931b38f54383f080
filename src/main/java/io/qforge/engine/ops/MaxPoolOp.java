package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX MaxPool, 2-D NCHW: kernel_shape, strides, pads, dilations, auto_pad, ceil_mode.
 * Symmetric padding runs ND4J {@code maxpool2d} directly (padding never wins the max).
 * Asymmetric pads and ceil_mode pad X explicitly with -infinity (ceil_mode as extra bottom /
 * right cells) and pool without padding; the gradient of the padded input is sliced back.
 * The optional Indices output is not supported (refused at construction).
 * Backward: {@code maxpool2d_bp} routes G to each window's maximum. With dilation > 1 (where
 * ND4J's {@code maxpool2d} disagrees with ONNX Runtime) the input is always padded explicitly
 * and pooled by {@link StridedWindows}.
 */
final class MaxPoolOp implements Op {
    private final Node node;
    private final Spatial2d sp;

    MaxPoolOp(Node node) {
        this.node = node;
        this.sp = Spatial2d.of(node, null);
        if (node.outputs().size() > 1 && !node.output(1).isEmpty()) {
            throw new IllegalArgumentException("MaxPool '" + node.name() + "': the Indices output ('"
                    + node.output(1) + "') is not supported");
        }
        if (node.attrInt("storage_order", 0) != 0) {
            throw new IllegalArgumentException("MaxPool '" + node.name() + "': storage_order "
                    + node.attrInt("storage_order", 0) + " is not supported (only 0, row major)");
        }
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        Spatial2d.requireNchw(x, "MaxPool '" + node.name() + "'");
        long[] pad = sp.padding(x.size(2), x.size(3));
        if (sp.dilated()) {
            return new INDArray[] {StridedWindows.max(Spatial2d.padExplicit(x, pad, Double.NEGATIVE_INFINITY), sp)};
        }
        INDArray xin = Spatial2d.symmetric(pad) ? x : Spatial2d.padExplicit(x, pad, Double.NEGATIVE_INFINITY);
        return new INDArray[] {CustomOps.exec("maxpool2d", new INDArray[] {xin}, sp.window(pad, 0, 0))[0]};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        long[] pad = sp.padding(x.size(2), x.size(3));
        if (sp.dilated()) {
            INDArray xp = Spatial2d.padExplicit(x, pad, Double.NEGATIVE_INFINITY);
            INDArray y = outputs != null && outputs[0] != null ? outputs[0] : StridedWindows.max(xp, sp);
            INDArray dxp = StridedWindows.maxBackward(xp, y, gradOutputs[0], sp);
            return new INDArray[] {Spatial2d.unpad(dxp, pad, x.size(2), x.size(3))};
        }
        boolean sym = Spatial2d.symmetric(pad);
        INDArray xin = sym ? x : Spatial2d.padExplicit(x, pad, Double.NEGATIVE_INFINITY);
        INDArray dx = CustomOps.exec("maxpool2d_bp", new INDArray[] {xin, gradOutputs[0]}, sp.window(pad, 0, 0))[0];
        return new INDArray[] {sym ? dx : Spatial2d.unpad(dx, pad, x.size(2), x.size(3))};
    }
}
