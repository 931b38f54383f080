package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Conv, 2-D: {@code Y = conv(X, W) + B} with X [N,C,H,W], W [oC, C/groups, kH, kW] (ONNX
 * layout), optional B [oC]; attributes kernel_shape (else from W), strides, dilations, pads
 * (symmetric, or asymmetric by explicit zero padding whose gradient is sliced back),
 * auto_pad, group. The kernel is chosen by {@link ConvKernels}: group 1 is ND4J
 * {@code conv2d}; group == C with one input channel per group is {@code depthwise_conv2d};
 * other groups run one {@code conv2d} per group. For conv2d, dilation runs as an undilated conv
 * with a zero-dilated kernel (ND4J's oneDNN float32 conv2d refuses dilation); depthwise keeps
 * its native dilation.
 * Trainable inputs: W (1) and B (2).
 */
final class ConvOp implements Op {
    private final Node node;
    private final long groups;

    ConvOp(Node node) {
        this.node = node;
        this.groups = node.attrInt("group", 1);
        if (groups < 1) {
            throw new IllegalArgumentException("Conv '" + node.name() + "': group " + groups + " must be >= 1");
        }
    }

    private Spatial2d params(INDArray w) {
        if (w.rank() != 4) {
            throw new IllegalArgumentException("Conv '" + node.name() + "': weight of shape "
                    + Arrays.toString(w.shape()) + " is not [oC, C/group, kH, kW]; only 2-D Conv is supported");
        }
        return Spatial2d.of(node, new long[] {w.size(2), w.size(3)});
    }

    private ConvKernels.Kind kind(INDArray x, INDArray w, INDArray b) {
        String where = "Conv '" + node.name() + "'";
        Spatial2d.requireNchw(x, where);
        long c = x.size(1);
        long oc = w.size(0);
        if (c != w.size(1) * groups) {
            throw new IllegalArgumentException(where + ": input has " + c + " channels but weight "
                    + Arrays.toString(w.shape()) + " with group " + groups + " expects " + w.size(1) * groups);
        }
        if (oc % groups != 0) {
            throw new IllegalArgumentException(where + ": " + oc + " output channels are not divisible by group " + groups);
        }
        if (b != null && (b.rank() != 1 || b.size(0) != oc)) {
            throw new IllegalArgumentException(where + ": bias of shape " + Arrays.toString(b.shape())
                    + " is not [" + oc + "]");
        }
        if (groups == 1) {
            return ConvKernels.Kind.DENSE;
        }
        return groups == c && w.size(1) == 1 ? ConvKernels.Kind.DEPTHWISE : ConvKernels.Kind.GROUPED;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        INDArray w = inputs[1];
        INDArray b = inputs.length > 2 ? inputs[2] : null;
        ConvKernels.Kind kind = kind(x, w, b);
        Spatial2d sp = params(w);
        long[] pad = sp.padding(x.size(2), x.size(3));
        boolean sym = Spatial2d.symmetric(pad);
        INDArray xin = sym ? x : Spatial2d.padExplicit(x, pad, 0.0);
        if (dilateKernel(kind, sp)) {
            INDArray wd = ConvKernels.dilateKernel(w, sp);
            return new INDArray[] {ConvKernels.forward(kind, xin, wd, b, sp.undilated().window(pad), groups)};
        }
        return new INDArray[] {ConvKernels.forward(kind, xin, w, b, sp.window(pad), groups)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        INDArray w = inputs[1];
        INDArray b = inputs.length > 2 ? inputs[2] : null;
        ConvKernels.Kind kind = kind(x, w, b);
        Spatial2d sp = params(w);
        long[] pad = sp.padding(x.size(2), x.size(3));
        boolean sym = Spatial2d.symmetric(pad);
        INDArray xin = sym ? x : Spatial2d.padExplicit(x, pad, 0.0);
        INDArray[] g;
        if (dilateKernel(kind, sp)) {
            INDArray wd = ConvKernels.dilateKernel(w, sp);
            g = ConvKernels.backward(kind, xin, wd, b, gradOutputs[0], sp.undilated().window(pad), groups);
            g[1] = ConvKernels.undilateKernel(g[1], sp);
        } else {
            g = ConvKernels.backward(kind, xin, w, b, gradOutputs[0], sp.window(pad), groups);
        }
        if (!sym) {
            g[0] = Spatial2d.unpad(g[0], pad, x.size(2), x.size(3));
        }
        INDArray[] out = new INDArray[inputs.length];
        System.arraycopy(g, 0, out, 0, Math.min(g.length, out.length));
        return out;
    }

    /** conv2d (dense and grouped) runs dilations as a zero-dilated kernel; depthwise_conv2d natively. */
    private static boolean dilateKernel(ConvKernels.Kind kind, Spatial2d sp) {
        return sp.dilated() && kind != ConvKernels.Kind.DEPTHWISE;
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {1, 2};
    }
}
