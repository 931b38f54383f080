package io.qforge.engine.export;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Straightforward float64 loops for the ops of the QDQ reference (NCHW, row-major). */
final class RefOps {

    private RefOps() {
    }

    /** pads [top, left, bottom, right]; weight [oC, iC/group, kH, kW]. */
    static T conv(T x, T w, double[] bias, long[] strides, long[] pads, long[] dilations, int group) {
        int n = x.dim(0), ci = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int co = w.dim(0), cig = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int sh = s(strides, 0), sw = s(strides, 1), dh = s(dilations, 0), dw = s(dilations, 1);
        int pt = p(pads, 0), pl = p(pads, 1), pb = p(pads, 2), pr = p(pads, 3);
        int oh = (h + pt + pb - dh * (kh - 1) - 1) / sh + 1;
        int ow = (wd + pl + pr - dw * (kw - 1) - 1) / sw + 1;
        int cog = co / group;
        T y = T.zeros(n, co, oh, ow);
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                int g = o / cog;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cig; c++) {
                            int cin = g * cig + c;
                            for (int u = 0; u < kh; u++) {
                                int r = i * sh - pt + u * dh;
                                if (r < 0 || r >= h) {
                                    continue;
                                }
                                for (int v = 0; v < kw; v++) {
                                    int q = j * sw - pl + v * dw;
                                    if (q < 0 || q >= wd) {
                                        continue;
                                    }
                                    acc += x.v()[((b * ci + cin) * h + r) * wd + q] * w.v()[((o * cig + c) * kh + u) * kw + v];
                                }
                            }
                        }
                        y.v()[((b * co + o) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** y = x W^T + b, x [N, K], W [O, K]. */
    static T gemm(T x, T w, double[] bias) {
        int n = x.dim(0), k = x.dim(1), o = w.dim(0);
        if (w.dim(1) != k) {
            throw new IllegalArgumentException("gemm: x " + Arrays.toString(x.shape()) + " vs w " + Arrays.toString(w.shape()));
        }
        T y = T.zeros(n, o);
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < o; j++) {
                double acc = bias == null ? 0 : bias[j];
                for (int i = 0; i < k; i++) {
                    acc += x.v()[b * k + i] * w.v()[j * k + i];
                }
                y.v()[b * o + j] = acc;
            }
        }
        return y;
    }

    /** Max (pads count as -inf) or average pooling; pads [top, left, bottom, right]. */
    static T pool(T x, long[] kernel, long[] strides, long[] pads, long[] dilations, boolean max, boolean countPad) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        int kh = (int) kernel[0], kw = (int) kernel[1];
        int sh = s(strides, 0), sw = s(strides, 1), dh = s(dilations, 0), dw = s(dilations, 1);
        int pt = p(pads, 0), pl = p(pads, 1), pb = p(pads, 2), pr = p(pads, 3);
        int oh = (h + pt + pb - dh * (kh - 1) - 1) / sh + 1;
        int ow = (wd + pl + pr - dw * (kw - 1) - 1) / sw + 1;
        T y = T.zeros(n, c, oh, ow);
        for (int b = 0; b < n * c; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int count = 0;
                    for (int u = 0; u < kh; u++) {
                        for (int v = 0; v < kw; v++) {
                            int r = i * sh - pt + u * dh, q = j * sw - pl + v * dw;
                            boolean inside = r >= 0 && r < h && q >= 0 && q < wd;
                            if (inside) {
                                double val = x.v()[(b * h + r) * wd + q];
                                acc = max ? Math.max(acc, val) : acc + val;
                                count++;
                            } else if (countPad && r < h + pb && q < wd + pr) {
                                count++;
                            }
                        }
                    }
                    y.v()[(b * oh + i) * ow + j] = max ? acc : acc / count;
                }
            }
        }
        return y;
    }

    static T zip(T a, T b, DoubleBinaryOperator f) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("reference supports same-shape element-wise ops only: "
                    + Arrays.toString(a.shape()) + " vs " + Arrays.toString(b.shape()));
        }
        double[] v = new double[a.v().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(a.v()[i], b.v()[i]);
        }
        return new T(v, a.shape());
    }

    static T map(T a, DoubleUnaryOperator f) {
        return new T(Arrays.stream(a.v()).map(f).toArray(), a.shape());
    }

    static T concat(List<T> xs, int axis) {
        int[] shape = xs.get(0).shape().clone();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        shape[axis] = xs.stream().mapToInt(t -> t.dim(axis)).sum();
        T y = T.zeros(shape);
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (T t : xs) {
                int chunk = t.v().length / outer;
                System.arraycopy(t.v(), o * chunk, y.v(), pos, chunk);
                pos += chunk;
            }
        }
        return y;
    }

    /** ONNX Reshape: 0 copies the input dimension, -1 is inferred. */
    static T reshape(T x, long[] target) {
        int[] s = new int[target.length];
        int known = 1, infer = -1;
        for (int i = 0; i < s.length; i++) {
            s[i] = target[i] == 0 ? x.dim(i) : (int) target[i];
            if (s[i] == -1) {
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            s[infer] = x.v().length / known;
        }
        return x.reshape(s);
    }

    /** Softmax over the last axis. */
    static T softmaxLast(T x) {
        int k = x.dim(x.shape().length - 1);
        double[] y = new double[x.v().length];
        for (int r = 0; r < y.length / k; r++) {
            double m = Double.NEGATIVE_INFINITY, sum = 0;
            for (int i = 0; i < k; i++) {
                m = Math.max(m, x.v()[r * k + i]);
            }
            for (int i = 0; i < k; i++) {
                y[r * k + i] = Math.exp(x.v()[r * k + i] - m);
                sum += y[r * k + i];
            }
            for (int i = 0; i < k; i++) {
                y[r * k + i] /= sum;
            }
        }
        return new T(y, x.shape());
    }

    private static int s(long[] a, int i) {
        return a == null ? 1 : (int) a[i];
    }

    private static int p(long[] a, int i) {
        return a == null ? 0 : (int) a[i];
    }
}
