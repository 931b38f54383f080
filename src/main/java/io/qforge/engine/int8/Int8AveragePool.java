package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Average pooling on int8 NCHW tensors, input and output with their own (per-tensor) params:
 * <pre>
 * sum   = sum over the window of (x_q - z_x)                          (int32)
 * y_q   = clamp(round(sum * s_x / (s_y * count)) + z_y, qmin, qmax)
 * </pre>
 * The multiplier {@code s_x / (s_y count)} is a {@link FixedPointMultiplier} per window size, so
 * the division by {@code count} and the rescale are one fixed-point multiply with a single rounding
 * to nearest, ties away from zero ({@link FixedPoint#multiplyRoundOnce}: gemmlowp's two-step
 * rounding was off by one on about 1% of outputs here); ONNX Runtime's QLinearAveragePool computes
 * in float and can differ by 1 LSB on ties. {@code count} is the whole
 * window with {@code countIncludePad} (ONNX {@code count_include_pad = 1}; padded positions add 0),
 * else the positions inside the input. Floor output sizes only ({@code ceil_mode = 0}).
 */
public final class Int8AveragePool {
    private final ConvGeometry geometry;
    private final boolean countIncludePad;
    private final int inputZeroPoint;
    private final int outputZeroPoint;
    private final int qmin;
    private final int qmax;
    private final FixedPointMultiplier[] byCount;

    public Int8AveragePool(ConvGeometry geometry, boolean countIncludePad, QuantParams input, QuantParams output) {
        this.geometry = geometry;
        this.countIncludePad = countIncludePad;
        this.inputZeroPoint = input.zeroPoint(0);
        this.outputZeroPoint = output.zeroPoint(0);
        this.qmin = output.qmin();
        this.qmax = output.qmax();
        int window = geometry.kernelH() * geometry.kernelW();
        this.byCount = new FixedPointMultiplier[window + 1];
        for (int k = 1; k <= window; k++) {
            byCount[k] = FixedPointMultiplier.of(input.scale(0) / (output.scale(0) * k));
        }
    }

    /** GlobalAveragePool over an [N, C, H, W] input: one window of H x W. */
    public static INDArray global(INDArray x, QuantParams input, QuantParams output) {
        Int8Arrays.checkRank(x, 4, "int8 global average pool input");
        ConvGeometry g = new ConvGeometry((int) x.size(2), (int) x.size(3), 1, 1, 0, 0, 0, 0, 1, 1, 1);
        return new Int8AveragePool(g, false, input, output).forward(x);
    }

    public INDArray forward(INDArray x) {
        Int8Arrays.checkRank(x, 4, "int8 average pool input");
        ConvGeometry g = geometry;
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = g.outputHeight(h);
        int ow = g.outputWidth(w);
        byte[] in = Int8Arrays.bytes(x, "int8 average pool input");
        byte[] out = new byte[n * c * oh * ow];
        int window = g.kernelH() * g.kernelW();
        int o = 0;
        for (int plane = 0; plane < n * c; plane++) {
            int base = plane * h * w;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++, o++) {
                    int sum = 0;
                    int inside = 0;
                    for (int kh = 0; kh < g.kernelH(); kh++) {
                        int iy = y * g.strideH() - g.padTop() + kh * g.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kw = 0; kw < g.kernelW(); kw++) {
                            int ix = xo * g.strideW() - g.padLeft() + kw * g.dilationW();
                            if (ix >= 0 && ix < w) {
                                sum += in[base + iy * w + ix] - inputZeroPoint;
                                inside++;
                            }
                        }
                    }
                    int count = countIncludePad ? window : inside;
                    int v = FixedPoint.multiplyRoundOnce(sum, byCount[count]) + outputZeroPoint;
                    out[o] = (byte) Math.max(qmin, Math.min(qmax, v));
                }
            }
        }
        return Int8Arrays.int8(out, n, c, oh, ow);
    }
}
