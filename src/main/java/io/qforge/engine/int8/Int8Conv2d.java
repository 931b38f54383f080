package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Integer 2-D convolution, NCHW, with groups (depthwise = groups == input channels):
 * <pre>
 * acc[n, o, y, x] = sum_{c, kh, kw} (x_q[n, c, ...] - z_x) (w_q[o, c, kh, kw] - z_w[o]) + bias_q[o]    (int32)
 * y_q = requantize(acc)                                                                        (int8)
 * </pre>
 * Built on {@link Int8Im2col} (pads filled with {@code z_x}) and {@link Int8Gemm}, one GEMM per
 * group: {@code W_g [oC/g, iC/g*kH*kW] x cols_g [iC/g*kH*kW, N*oH*oW]}; depthwise layers (one
 * input channel per group) use a direct loop instead.
 */
public final class Int8Conv2d {
    private final INDArray[] groupWeights;
    private final int[][] groupWeightZeroPoints;
    private final int[] bias;
    private final ConvGeometry geometry;
    private final int inputZeroPoint;
    private final Requantizer requantizer;
    private final int outChannels;
    private final int inChannelsPerGroup;

    /**
     * @param weights           INT8 [oC, iC/groups, kH, kW]
     * @param weightZeroPoints  1 or oC values (0 for symmetric weights)
     * @param bias              int32 [oC] with scale {@code s_x * s_w[o]}, or null
     * @param inputZeroPoint    {@code z_x} (per-tensor input params)
     * @param requantizer       one multiplier or one per output channel; null if only {@link #accumulate} is used
     */
    public Int8Conv2d(INDArray weights, int[] weightZeroPoints, int[] bias, ConvGeometry geometry, int inputZeroPoint,
                      Requantizer requantizer) {
        Int8Arrays.checkRank(weights, 4, "int8 conv weights");
        this.outChannels = (int) weights.size(0);
        this.inChannelsPerGroup = (int) weights.size(1);
        int groups = geometry.groups();
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException("int8 conv: " + outChannels + " output channels are not divisible by "
                    + groups + " groups");
        }
        if (weights.size(2) != geometry.kernelH() || weights.size(3) != geometry.kernelW()) {
            throw new IllegalArgumentException("int8 conv: weights kernel " + weights.size(2) + "x" + weights.size(3)
                    + " but geometry kernel " + geometry.kernelH() + "x" + geometry.kernelW());
        }
        if (weightZeroPoints.length != 1 && weightZeroPoints.length != outChannels) {
            throw new IllegalArgumentException("int8 conv: " + weightZeroPoints.length + " weight zero points for "
                    + outChannels + " output channels (need 1 or " + outChannels + ")");
        }
        if (bias != null && bias.length != outChannels) {
            throw new IllegalArgumentException("int8 conv: bias has " + bias.length + " values for " + outChannels
                    + " output channels");
        }
        if (requantizer != null && requantizer.channels() != 1 && requantizer.channels() != outChannels) {
            throw new IllegalArgumentException("int8 conv: " + requantizer.channels() + " requantization multipliers for "
                    + outChannels + " output channels");
        }
        byte[] w = Int8Arrays.bytes(weights, "int8 conv weights");
        int perGroup = outChannels / groups;
        int kc = inChannelsPerGroup * geometry.kernelH() * geometry.kernelW();
        this.groupWeights = new INDArray[groups];
        this.groupWeightZeroPoints = new int[groups][];
        for (int g = 0; g < groups; g++) {
            byte[] slice = java.util.Arrays.copyOfRange(w, g * perGroup * kc, (g + 1) * perGroup * kc);
            groupWeights[g] = Int8Arrays.int8(slice, perGroup, kc);
            groupWeightZeroPoints[g] = weightZeroPoints.length == 1 ? weightZeroPoints.clone()
                    : java.util.Arrays.copyOfRange(weightZeroPoints, g * perGroup, (g + 1) * perGroup);
        }
        this.bias = bias == null ? null : bias.clone();
        this.geometry = geometry;
        this.inputZeroPoint = inputZeroPoint;
        this.requantizer = requantizer;
    }

    /**
     * From quantized tensors and their params: weights per channel (axis 0) or per tensor, input and
     * output per tensor; the requantizer uses {@code M_o = s_x s_w[o] / s_y} and the fused activation.
     */
    public static Int8Conv2d of(INDArray weights, QuantParams weightParams, INDArray bias, ConvGeometry geometry,
                                QuantParams input, QuantParams output, FusedActivation activation) {
        Requantizer rq = Requantizer.forLayer(input.scale(0), weightParams.scales(), output.scale(0),
                output.zeroPoint(0), output.qmin(), output.qmax(), activation);
        return new Int8Conv2d(weights, weightParams.zeroPoints(), bias == null ? null : Int8Arrays.ints(bias),
                geometry, input.zeroPoint(0), rq);
    }

    /** int32 accumulators [N, oC, oH, oW] (bias included) for an INT8 input [N, C, H, W]. */
    public INDArray accumulate(INDArray x) {
        Int8Arrays.checkRank(x, 4, "int8 conv input");
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int groups = geometry.groups();
        if (c != inChannelsPerGroup * groups) {
            throw new IllegalArgumentException("int8 conv: input has " + c + " channels, weights expect "
                    + inChannelsPerGroup + " x " + groups + " groups");
        }
        int oh = geometry.outputHeight(h);
        int ow = geometry.outputWidth(w);
        int p = oh * ow;
        int perGroup = outChannels / groups;
        byte[] xb = Int8Arrays.bytes(x, "int8 conv input");
        if (inChannelsPerGroup == 1) {
            return Int8Arrays.int32(depthwise(xb, n, c, h, w, oh, ow), n, outChannels, oh, ow);
        }
        int[] out = new int[n * outChannels * p];
        int[] zx = {inputZeroPoint};
        for (int g = 0; g < groups; g++) {
            byte[] cols = Int8Im2col.im2col(xb, n, c, h, w, g * inChannelsPerGroup, inChannelsPerGroup, geometry,
                    (byte) inputZeroPoint);
            INDArray colMatrix = Int8Arrays.int8(cols, cols.length / ((long) n * p), (long) n * p);
            int[] acc = Int8Gemm.gemm(groupWeights[g], groupWeightZeroPoints[g], colMatrix, zx).data().asInt();
            for (int r = 0; r < perGroup; r++) {
                int o = g * perGroup + r;
                int b = bias == null ? 0 : bias[o];
                for (int s = 0; s < n; s++) {
                    int src = r * n * p + s * p;
                    int dst = (s * outChannels + o) * p;
                    for (int k = 0; k < p; k++) {
                        out[dst + k] = Math.addExact(acc[src + k], b);
                    }
                }
            }
        }
        return Int8Arrays.int32(out, n, outChannels, oh, ow);
    }

    /**
     * Direct loop for one input channel per group (depthwise, channel multiplier {@code oC / C}):
     * cheaper than an im2col of the same size followed by one tiny GEMM per channel.
     */
    private int[] depthwise(byte[] x, int n, int c, int h, int w, int oh, int ow) {
        ConvGeometry g = geometry;
        int kh = g.kernelH();
        int kw = g.kernelW();
        int multiplier = outChannels / c;
        if ((long) kh * kw * 255 * 255 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("int8 depthwise conv: kernel " + kh + "x" + kw + " is too large for"
                    + " int32 accumulation");
        }
        int[] out = new int[n * outChannels * oh * ow];
        int[] wv = new int[kh * kw];
        for (int o = 0; o < outChannels; o++) {
            int grp = o / multiplier;
            int[] zw = groupWeightZeroPoints[grp];
            int z = zw[zw.length == 1 ? 0 : o % multiplier];
            byte[] gw = groupWeights[grp].data().asBytes();
            int row = o % multiplier;
            for (int t = 0; t < wv.length; t++) {
                wv[t] = gw[row * wv.length + t] - z;
            }
            int b = bias == null ? 0 : bias[o];
            for (int s = 0; s < n; s++) {
                int plane = (s * c + grp) * h * w;
                int dst = (s * outChannels + o) * oh * ow;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        int sum = 0; // |sum| <= kH kW 255^2: fits int32 for any kernel under 33025 taps
                        for (int i = 0; i < kh; i++) {
                            int iy = y * g.strideH() - g.padTop() + i * g.dilationH();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int rowStart = plane + iy * w;
                            for (int j = 0; j < kw; j++) {
                                int ix = xo * g.strideW() - g.padLeft() + j * g.dilationW();
                                if (ix >= 0 && ix < w) {
                                    sum += (x[rowStart + ix] - inputZeroPoint) * wv[i * kw + j];
                                }
                            }
                        }
                        out[dst + y * ow + xo] = Math.addExact(sum, b);
                    }
                }
            }
        }
        return out;
    }

    /** int8 output [N, oC, oH, oW]: {@link #accumulate} then requantize per output channel. */
    public INDArray forward(INDArray x) {
        if (requantizer == null) {
            throw new IllegalStateException("int8 conv: built without a requantizer, only accumulate() is available");
        }
        return requantizer.apply(accumulate(x), 1);
    }

    public ConvGeometry geometry() {
        return geometry;
    }
}
