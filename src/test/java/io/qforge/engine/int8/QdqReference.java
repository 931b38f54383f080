package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test-only float64 reference of QDQ semantics, written independently of the integer kernels (plain
 * Java loops, no ND4J ops): for each layer, dequantize its integer inputs
 * ({@code s (q - z)}, weights {@code s_w[c] q_w}, bias {@code s_x s_w[c] q_b}), run the float op,
 * apply the fused clip, then quantize with the output encoding:
 * {@code clamp(rint(y / s) + z, qmin, qmax)} (round half to even, b-bit saturation).
 */
final class QdqReference {
    private QdqReference() {
    }

    /** A dense c-order tensor of doubles (integer values for quantized tensors). */
    record T(long[] shape, double[] v) {
        int size(int d) {
            return (int) shape[d];
        }

        static T of(INDArray x) {
            return new T(x.shape(), x.dup('c').castTo(DataType.DOUBLE).data().asDouble());
        }

        int[] ints() {
            int[] r = new int[v.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = (int) v[i];
            }
            return r;
        }
    }

    static T quantize(T x, QuantParams p) {
        double[] q = new double[x.v.length];
        for (int i = 0; i < q.length; i++) {
            double r = Math.rint(x.v[i] / p.scale(0)) + p.zeroPoint(0);
            q[i] = Math.max(p.qmin(), Math.min(p.qmax(), r));
        }
        return new T(x.shape, q);
    }

    static T dequantize(T q, QuantParams p) {
        double[] x = new double[q.v.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = p.scale(0) * (q.v[i] - p.zeroPoint(0));
        }
        return new T(q.shape, x);
    }

    /** End-to-end QDQ chain: every tensor's integer values for a float input. */
    static Map<String, T> run(IntModel m, INDArray floatInput) {
        Map<String, T> q = new LinkedHashMap<>();
        q.put(m.input(), quantize(T.of(floatInput), m.encoding(m.input())));
        for (IntLayer l : m.layers()) {
            q.put(l.output(), layer(m, l, q));
        }
        return q;
    }

    /** One layer's integer output from integer inputs taken from {@code q}. */
    static T layer(IntModel m, IntLayer l, Map<String, T> q) {
        List<T> in = new ArrayList<>();
        for (String name : l.inputs()) {
            in.add(dequantize(q.get(name), m.encoding(name)));
        }
        return quantize(floatOp(l, in, m::encoding), m.encoding(l.output()));
    }

    /** The float op of a layer (fused clip included) on dequantized inputs. */
    static T floatOp(IntLayer l, List<T> in, Function<String, QuantParams> enc) {
        if (l instanceof IntLayer.Conv c) {
            return clip(conv(in.get(0), c, enc.apply(c.input())), c.clip());
        }
        if (l instanceof IntLayer.Gemm g) {
            return clip(gemm(in.get(0), g, enc.apply(g.input())), g.clip());
        }
        if (l instanceof IntLayer.Add a) {
            return clip(binary(in.get(0), in.get(1), Double::sum), a.clip());
        }
        if (l instanceof IntLayer.Mul) {
            return binary(in.get(0), in.get(1), (x, y) -> x * y);
        }
        if (l instanceof IntLayer.Concat c) {
            return concat(in, c.axis());
        }
        if (l instanceof IntLayer.Sigmoid) {
            T x = in.get(0);
            double[] y = new double[x.v.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = 1.0 / (1.0 + Math.exp(-x.v[i]));
            }
            return new T(x.shape, y);
        }
        if (l instanceof IntLayer.MaxPool p) {
            return pool(in.get(0), p.kernel(), p.strides(), p.pads(), p.dilations(), true, false);
        }
        if (l instanceof IntLayer.AveragePool p) {
            T x = in.get(0);
            long[] k = p.global() ? new long[] {x.shape[2], x.shape[3]} : p.kernel();
            return pool(x, k, p.strides(), p.global() ? new long[4] : p.pads(), new long[] {1, 1}, false,
                    p.countIncludePad());
        }
        if (l instanceof IntLayer.Reshape r) {
            return new T(reshapeTarget(in.get(0).shape, r.shape()), in.get(0).v);
        }
        if (l instanceof IntLayer.Flatten f) {
            long[] s = in.get(0).shape;
            long outer = 1;
            for (int d = 0; d < f.axis(); d++) {
                outer *= s[d];
            }
            return new T(new long[] {outer, in.get(0).v.length / outer}, in.get(0).v);
        }
        throw new IllegalArgumentException("no reference for " + l);
    }

    static T clip(T x, IntLayer.Clip c) {
        double[] y = x.v.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.min(c.max(), Math.max(c.min(), y[i]));
        }
        return new T(x.shape, y);
    }

    private static double wScale(QuantParams w, int c) {
        return w.scale(w.channels() == 1 ? 0 : c);
    }

    static T conv(T x, IntLayer.Conv c, QuantParams in) {
        double[] w = T.of(c.weight()).v;
        long[] ws = c.weight().shape();
        int oc = (int) ws[0], icg = (int) ws[1], kh = (int) ws[2], kw = (int) ws[3];
        int n = x.size(0), ch = x.size(1), h = x.size(2), wd = x.size(3);
        int sh = (int) c.strides()[0], sw = (int) c.strides()[1];
        int pt = (int) c.pads()[0], pl = (int) c.pads()[1], pb = (int) c.pads()[2], pr = (int) c.pads()[3];
        int dh = (int) c.dilations()[0], dw = (int) c.dilations()[1];
        int oh = (h + pt + pb - dh * (kh - 1) - 1) / sh + 1;
        int ow = (wd + pl + pr - dw * (kw - 1) - 1) / sw + 1;
        int ocg = oc / c.group();
        double[] y = new double[n * oc * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < oc; o++) {
                double sw0 = wScale(c.weightParams(), o);
                double bias = c.bias()[o] * in.scale(0) * sw0;
                int g = o / ocg;
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = bias;
                        for (int ci = 0; ci < icg; ci++) {
                            int cin = g * icg + ci;
                            for (int i = 0; i < kh; i++) {
                                int iy = yy * sh - pt + i * dh;
                                for (int j = 0; j < kw; j++) {
                                    int ix = xx * sw - pl + j * dw;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += x.v[((b * ch + cin) * h + iy) * wd + ix]
                                                * sw0 * w[((o * icg + ci) * kh + i) * kw + j];
                                    }
                                }
                            }
                        }
                        y[((b * oc + o) * oh + yy) * ow + xx] = s;
                    }
                }
            }
        }
        return new T(new long[] {n, oc, oh, ow}, y);
    }

    static T gemm(T x, IntLayer.Gemm g, QuantParams in) {
        double[] w = T.of(g.weight()).v;
        int out = (int) g.weight().size(0), k = (int) g.weight().size(1);
        int rows = x.v.length / k;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s0 = wScale(g.weightParams(), o);
                double s = g.bias()[o] * in.scale(0) * s0;
                for (int t = 0; t < k; t++) {
                    s += x.v[r * k + t] * s0 * w[o * k + t];
                }
                y[r * out + o] = s;
            }
        }
        long[] shape = x.shape.clone();
        shape[shape.length - 1] = out;
        return new T(shape, y);
    }

    interface Op2 {
        double apply(double a, double b);
    }

    /** numpy broadcasting by full index decomposition (slow and simple). */
    static T binary(T a, T b, Op2 f) {
        int r = Math.max(a.shape.length, b.shape.length);
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            long da = dim(a.shape, i, r), db = dim(b.shape, i, r);
            s[i] = Math.max(da, db);
        }
        int total = 1;
        for (long d : s) {
            total *= (int) d;
        }
        double[] y = new double[total];
        int[] idx = new int[r];
        for (int o = 0; o < total; o++) {
            int rem = o;
            for (int d = r - 1; d >= 0; d--) {
                idx[d] = rem % (int) s[d];
                rem /= (int) s[d];
            }
            y[o] = f.apply(a.v[offset(a.shape, idx, r)], b.v[offset(b.shape, idx, r)]);
        }
        return new T(s, y);
    }

    private static long dim(long[] shape, int i, int r) {
        int j = i - (r - shape.length);
        return j < 0 ? 1 : shape[j];
    }

    private static int offset(long[] shape, int[] idx, int r) {
        int off = 0;
        for (int j = 0; j < shape.length; j++) {
            int i = idx[j + r - shape.length];
            off = off * (int) shape[j] + (shape[j] == 1 ? 0 : i);
        }
        return off;
    }

    static T concat(List<T> in, int axis) {
        long[] s = in.get(0).shape.clone();
        s[axis] = 0;
        for (T t : in) {
            s[axis] += t.shape[axis];
        }
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= (int) s[d];
        }
        double[] y = new double[Arrays.stream(in.toArray(T[]::new)).mapToInt(t -> t.v.length).sum()];
        int o = 0;
        for (int k = 0; k < outer; k++) {
            for (T t : in) {
                int chunk = t.v.length / outer;
                System.arraycopy(t.v, k * chunk, y, o, chunk);
                o += chunk;
            }
        }
        return new T(s, y);
    }

    static T pool(T x, long[] k, long[] st, long[] p, long[] dil, boolean max, boolean countPad) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int kh = (int) k[0], kw = (int) k[1];
        int sh = st == null ? 1 : (int) st[0], sw = st == null ? 1 : (int) st[1];
        int dh = (int) dil[0], dw = (int) dil[1];
        int oh = (int) ((h + p[0] + p[2] - dh * (kh - 1) - 1) / sh + 1);
        int ow = (int) ((w + p[1] + p[3] - dw * (kw - 1) - 1) / sw + 1);
        double[] y = new double[n * c * oh * ow];
        int o = 0;
        for (int pl = 0; pl < n * c; pl++) {
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++, o++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int cnt = 0;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int iy = (int) (yy * sh - p[0] + i * dh), ix = (int) (xx * sw - p[1] + j * dw);
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                double v = x.v[(pl * h + iy) * w + ix];
                                acc = max ? Math.max(acc, v) : acc + v;
                                cnt++;
                            }
                        }
                    }
                    y[o] = max ? acc : acc / (countPad ? kh * kw : cnt);
                }
            }
        }
        return new T(new long[] {n, c, oh, ow}, y);
    }

    static long[] reshapeTarget(long[] in, long[] target) {
        long[] s = target.clone();
        long count = 1, known = 1;
        int inf = -1;
        for (long d : in) {
            count *= d;
        }
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                s[i] = in[i];
            }
            if (s[i] == -1) {
                inf = i;
            } else {
                known *= s[i];
            }
        }
        if (inf >= 0) {
            s[inf] = count / known;
        }
        return s;
    }
}
