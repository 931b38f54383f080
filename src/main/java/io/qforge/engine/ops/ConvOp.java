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

    /** What forward and backward share: the kernel kind, padding, the (padded) input and the kernel to run. */
    private record Setup(ConvKernels.Kind kind, Spatial2d sp, long[] pad, boolean sym, INDArray xin, INDArray kernel,
                         boolean dilated) {
    }

    private Setup setup(INDArray[] inputs) {
        INDArray x = inputs[0];
        INDArray w = inputs[1];
        INDArray b = inputs.length > 2 ? inputs[2] : null;
        ConvKernels.Kind kind = kind(x, w, b);
        Spatial2d sp = params(w);
        long[] pad = sp.padding(x.size(2), x.size(3));
        boolean sym = Spatial2d.symmetric(pad);
        INDArray xin = sym ? x : Spatial2d.padExplicit(x, pad, 0.0);
        boolean dilated = dilateKernel(kind, sp);
        return new Setup(kind, sp, pad, sym, xin, dilated ? ConvKernels.dilateKernel(w, sp) : w, dilated);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        Setup c = setup(inputs);
        INDArray b = inputs.length > 2 ? inputs[2] : null;
        var window = c.dilated() ? c.sp().undilated().window(c.pad()) : c.sp().window(c.pad());
        return new INDArray[] {ConvKernels.forward(c.kind(), c.xin(), c.kernel(), b, window, groups)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        Setup c = setup(inputs);
        INDArray x = inputs[0];
        INDArray b = inputs.length > 2 ? inputs[2] : null;
        var window = c.dilated() ? c.sp().undilated().window(c.pad()) : c.sp().window(c.pad());
        INDArray[] g = ConvKernels.backward(c.kind(), c.xin(), c.kernel(), b, gradOutputs[0], window, groups);
        if (c.dilated()) {
            g[1] = ConvKernels.undilateKernel(g[1], c.sp());
        }
        if (!c.sym()) {
            g[0] = Spatial2d.unpad(g[0], c.pad(), x.size(2), x.size(3));
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
