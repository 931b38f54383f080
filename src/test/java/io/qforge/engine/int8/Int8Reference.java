package io.qforge.engine.int8;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Naive long-accumulating references and random int8 data for the integer kernel tests. */
final class Int8Reference {
    private Int8Reference() {
    }

    /** Random int8 values, about a quarter of them at the extremes -128 / 127. */
    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int r = rnd.nextInt(8);
            b[i] = (byte) (r == 0 ? -128 : r == 1 ? 127 : rnd.nextInt(256) - 128);
        }
        return b;
    }

    static INDArray randomInt8(Random rnd, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return Nd4j.createFromArray(randomBytes(rnd, (int) n)).reshape('c', shape);
    }

    /** {@code sum_k (a[i,k] - za[i]) (b[k,j] - zb[j]) + bias[j]} in long. */
    static long[] gemm(byte[] a, int[] za, byte[] b, int[] zb, int[] bias, int m, int k, int n) {
        long[] out = new long[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long s = bias == null ? 0 : bias[j];
                int zai = za.length == 1 ? za[0] : za[i];
                int zbj = zb.length == 1 ? zb[0] : zb[j];
                for (int t = 0; t < k; t++) {
                    s += (long) (a[i * k + t] - zai) * (b[t * n + j] - zbj);
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }

    /** Direct convolution, NCHW, groups, out-of-range input positions contribute 0 (i.e. x = z_x). */
    static long[] conv(byte[] x, int zx, int n, int c, int h, int w, byte[] wt, int[] zw, int[] bias, int oc,
                       ConvGeometry g) {
        int oh = g.outputHeight(h);
        int ow = g.outputWidth(w);
        int icg = c / g.groups();
        int ocg = oc / g.groups();
        long[] out = new long[n * oc * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < oc; o++) {
                int grp = o / ocg;
                int z = zw.length == 1 ? zw[0] : zw[o];
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        long s = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < icg; ci++) {
                            int cin = grp * icg + ci;
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                int iy = y * g.strideH() - g.padTop() + kh * g.dilationH();
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int ix = xo * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    int xv = x[((b * c + cin) * h + iy) * w + ix] - zx;
                                    int wv = wt[((o * icg + ci) * g.kernelH() + kh) * g.kernelW() + kw] - z;
                                    s += (long) xv * wv;
                                }
                            }
                        }
                        out[((b * oc + o) * oh + y) * ow + xo] = s;
                    }
                }
            }
        }
        return out;
    }

    static long[] longs(INDArray int32) {
        int[] v = Int8Arrays.ints(int32);
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}
