package io.qforge.engine.graph;

/**
 * Output sizes and padding of convolution and pooling windows along one spatial axis.
 *
 * <pre>
 *   out = floor((in + padBegin + padEnd - dilation*(kernel-1) - 1) / stride) + 1      (ceil_mode 0)
 *   out = ceil ((in + padBegin + padEnd - dilation*(kernel-1) - 1) / stride) + 1      (ceil_mode 1)
 * </pre>
 * minus one with ceil_mode when the last window would start past the input and its left pad
 * ({@code (out-1)*stride >= in + padBegin}; PyTorch's and ONNX Runtime's rule).
 * ONNX {@code auto_pad} SAME_UPPER / SAME_LOWER choose {@code out = ceil(in / stride)} and pad
 * {@code total = max(0, (out-1)*stride + dilation*(kernel-1) + 1 - in)}, putting the odd extra
 * cell at the end (SAME_UPPER) or at the beginning (SAME_LOWER).
 */
public final class ConvGeometry {

    private ConvGeometry() {
    }

    /**
     * Output size along one axis; {@code in == -1} (dynamic) gives -1.
     *
     * @throws IllegalArgumentException for kernel, stride or dilation below 1 or a negative pad
     *     (callers check the attributes first and say which node they belong to)
     */
    public static long outputSize(long in, long kernel, long stride, long padBegin, long padEnd, long dilation,
                                  boolean ceil) {
        if (kernel < 1 || stride < 1 || dilation < 1 || padBegin < 0 || padEnd < 0) {
            throw new IllegalArgumentException("window kernel " + kernel + ", stride " + stride + ", dilation "
                    + dilation + " must be >= 1 and pads " + padBegin + ", " + padEnd + " >= 0");
        }
        if (in < 0) {
            return -1;
        }
        long span = in + padBegin + padEnd - dilation * (kernel - 1) - 1;
        if (span < 0) {
            return 0;
        }
        if (!ceil) {
            return Math.floorDiv(span, stride) + 1;
        }
        long out = Math.floorDiv(span + stride - 1, stride) + 1;
        return (out - 1) * stride >= in + padBegin ? out - 1 : out; // the last window must start inside the input or its left pad
    }

    /**
     * Explicit ONNX pads ({@code [b0, b1, ..., e0, e1, ...]}) equivalent to SAME_UPPER or
     * SAME_LOWER for the given static spatial sizes.
     */
    public static long[] samePads(long[] in, long[] kernel, long[] strides, long[] dilations, boolean upper) {
        int s = in.length;
        long[] pads = new long[2 * s];
        for (int i = 0; i < s; i++) {
            if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1) {
                throw new IllegalArgumentException("window kernel " + kernel[i] + ", stride " + strides[i]
                        + ", dilation " + dilations[i] + " must be >= 1");
            }
            long out = Math.floorDiv(in[i] + strides[i] - 1, strides[i]);
            long total = Math.max(0, (out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - in[i]);
            long small = total / 2;
            pads[i] = upper ? small : total - small;
            pads[i + s] = total - pads[i];
        }
        return pads;
    }
}
