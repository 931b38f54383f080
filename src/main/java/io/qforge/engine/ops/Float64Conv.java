package io.qforge.engine.ops;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Forward convolution in float64 (inference only: the simulation's evaluation pass,
 * {@code QatModel.float64Executor()}), NCHW, ONNX weights [oC, C/g, kH, kW], symmetric pads:
 * <pre>
 * y[n, o, i, j] = b[o] + sum_{c, a, e} x[n, g(o) C/g + c, i sH - pH + a dH, j sW - pW + e dW] w[o, c, a, e]
 * </pre>
 * libnd4j has no oneDNN kernel for float64 and its own {@code conv2d} / {@code depthwise_conv2d}
 * ran ~50x slower than float32 on efficientnet_b0 (SimulationProfile); here a dense or grouped conv is
 * one im2col and one BLAS dgemm per group over the whole batch, and a depthwise conv a direct loop.
 * The sums are float64 as before (only their order differs), ~1e-13 output steps from exact.
 */
final class Float64Conv {
    private Float64Conv() {
    }

    /** {@code window} = kH,kW,sH,sW,pH,pW,dH,dW,same (same must be 0: pads are explicit). */
    static INDArray forward(INDArray x, INDArray w, INDArray b, int[] window, long groups) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        Geometry g = new Geometry(window, (int) x.size(2), (int) x.size(3));
        int oc = (int) w.size(0);
        int cg = (int) w.size(1);
        DoubleBuffer xs = buffer(x.dataType() == DataType.DOUBLE && x.ordering() == 'c' && x.offset() == 0
                && Shape.hasDefaultStridesForShape(x) ? x : x.castTo(DataType.DOUBLE).dup('c'));
        double[] ws = w.castTo(DataType.DOUBLE).dup('c').data().asDouble(); // weights: small
        double[] bs = b == null ? null : b.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {n, oc, g.oh, g.ow}, 'c');
        if (cg == 1 && groups == c) {
            depthwise(xs, ws, bs, n, c, oc / c, g, buffer(out));
        } else {
            grouped(xs, ws, bs, n, c, oc, (int) groups, g, out);
        }
        return out;
    }

    /** The array's data, read and written in place (off the Java heap: no copy of an activation). */
    private static DoubleBuffer buffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    /** Output size and window of one conv. */
    private record Geometry(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
        Geometry(int[] a, int h, int w) {
            this(h, w, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                    (h + 2 * a[4] - (a[6] * (a[0] - 1) + 1)) / a[2] + 1, (w + 2 * a[5] - (a[7] * (a[1] - 1) + 1)) / a[3] + 1);
            if (a.length > 8 && a[8] != 0) {
                throw new IllegalArgumentException("float64 conv: 'same' mode is not supported (pads must be explicit)");
            }
        }
    }

    /** One im2col [C/g kH kW, N oH oW] and one dgemm per group; bias added after the sum. */
    private static void grouped(DoubleBuffer x, double[] w, double[] b, int n, int c, int oc, int groups, Geometry g,
                                INDArray out) {
        int cg = c / groups;
        int og = oc / groups;
        int k = cg * g.kh * g.kw;
        int p = g.oh * g.ow;
        INDArray out3 = out.reshape('c', n, oc, p);
        for (int gi = 0; gi < groups; gi++) {
            INDArray cols = Nd4j.create(DataType.DOUBLE, new long[] {k, (long) n * p}, 'c'); // zeros: the pads
            im2col(x, n, c, gi * cg, cg, g, buffer(cols));
            double[] wg = java.util.Arrays.copyOfRange(w, gi * og * k, (gi + 1) * og * k);
            INDArray acc = Nd4j.create(wg, new long[] {og, k}, DataType.DOUBLE).mmul(cols); // [og, N p]
            INDArray target = groups == 1 ? out3
                    : out3.get(NDArrayIndex.all(), NDArrayIndex.interval(gi * og, (gi + 1) * og), NDArrayIndex.all());
            target.assign(acc.reshape('c', og, n, p).permute(1, 0, 2));
        }
        if (b != null) {
            out3.addi(Nd4j.create(b, new long[] {1, oc, 1}, DataType.DOUBLE));
        }
    }

    /** Rows (channel, kernel row, kernel column) of channels [c0, c0+cg), columns (sample, out row, out column); pads stay 0. */
    private static void im2col(DoubleBuffer x, int n, int c, int c0, int cg, Geometry g, DoubleBuffer out) {
        int p = g.oh * g.ow;
        int cols = n * p;
        IntStream.range(0, cg).parallel().forEach(ci -> {
            for (int a = 0; a < g.kh; a++) {
                for (int e = 0; e < g.kw; e++) {
                    int row = (ci * g.kh + a) * g.kw + e;
                    for (int s = 0; s < n; s++) {
                        int plane = (s * c + c0 + ci) * g.h * g.w;
                        int dst = row * cols + s * p;
                        for (int i = 0; i < g.oh; i++) {
                            int iy = i * g.sh - g.ph + a * g.dh;
                            if (iy < 0 || iy >= g.h) {
                                continue;
                            }
                            for (int j = 0; j < g.ow; j++) {
                                int ix = j * g.sw - g.pw + e * g.dw;
                                if (ix >= 0 && ix < g.w) {
                                    out.put(dst + i * g.ow + j, x.get(plane + iy * g.w + ix));
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** One input channel per group, {@code m} filters each: output channel {@code ci m + f}; bias added after the sum. */
    private static void depthwise(DoubleBuffer x, double[] w, double[] b, int n, int c, int m, Geometry g,
                                  DoubleBuffer out) {
        int oc = c * m;
        int p = g.oh * g.ow;
        int taps = g.kh * g.kw;
        IntStream.range(0, n * oc).parallel().forEach(so -> {
            int s = so / oc;
            int o = so % oc;
            int plane = (s * c + o / m) * g.h * g.w;
            double bias = b == null ? 0 : b[o];
            int dst = so * p;
            for (int i = 0; i < g.oh; i++) {
                for (int j = 0; j < g.ow; j++) {
                    double sum = 0;
                    for (int a = 0; a < g.kh; a++) {
                        int iy = i * g.sh - g.ph + a * g.dh;
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int rowStart = plane + iy * g.w;
                        int wRow = o * taps + a * g.kw;
                        for (int e = 0; e < g.kw; e++) {
                            int ix = j * g.sw - g.pw + e * g.dw;
                            if (ix >= 0 && ix < g.w) {
                                sum += x.get(rowStart + ix) * w[wRow + e];
                            }
                        }
                    }
                    out.put(dst + i * g.ow + j, sum + bias);
                }
            }
        });
    }
}
