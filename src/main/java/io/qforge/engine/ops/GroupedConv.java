package io.qforge.engine.ops;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Grouped convolution (1 < group, not depthwise) as one im2col and one batched GEMM over the
 * groups, instead of one {@code conv2d} per group: regnet_y_400mf has 6..55 groups of 8 channels
 * per conv and the per-group calls (slice copies, a oneDNN primitive per group, concatenation)
 * cost more than the arithmetic.
 *
 * <p>With X [N,C,H,W], g groups of cg = C/g input and og = oC/g output channels, K = cg*kH*kW,
 * P = oH*oW, Q = N*P: {@code cols} [g, K, Q] holds, for group j, row {@code (ci*kH + a)*kW + b}
 * and column {@code n*P + oh*oW + ow}, the input {@code X[n, j*cg+ci, oh*sH-pH+a*dH, ow*sW-pW+b*dW]}
 * (0 outside). The weight [oC,cg,kH,kW] is [g, og, K], and
 * {@code Ymat[j] = W[j] cols[j]} ([og, Q]); Y [N, oC, P] is Ymat [oC, N, P] with the first two
 * axes swapped, plus the bias. Backward: {@code Gmat} = G [N,oC,P] swapped to [oC, N, P],
 * {@code dW[j] = Gmat[j] cols[j]^T}, {@code dcols[j] = W[j]^T Gmat[j]}, dX scatters dcols back
 * (col2im), {@code dB[o] = sum over n, p of G[n,o,p]}.
 *
 * <p>The im2col, col2im, axis swaps and bias are Java loops on FLOAT arrays; DOUBLE (the gradient
 * checks) runs the same scheme through ND4J's im2col/col2im and permutes, and Float32ConsistencyTest
 * holds the float path to the gradient-checked one.
 */
final class GroupedConv {
    private GroupedConv() {
    }

    /** Geometry of one grouped conv: {@code window} = kH,kW,sH,sW,pH,pW,dH,dW,same (explicit pads). */
    private record Geo(int n, int c, int h, int w, int oc, int g, int cg, int og, int kh, int kw, int sh, int sw,
                       int ph, int pw, int dh, int dw, int oh, int ow) {
        static Geo of(INDArray x, INDArray wt, int[] win, int g) {
            int h = (int) x.size(2);
            int w = (int) x.size(3);
            int oh = (h + 2 * win[4] - win[6] * (win[0] - 1) - 1) / win[2] + 1;
            int ow = (w + 2 * win[5] - win[7] * (win[1] - 1) - 1) / win[3] + 1;
            int c = (int) x.size(1);
            int oc = (int) wt.size(0);
            return new Geo((int) x.size(0), c, h, w, oc, g, c / g, oc / g, win[0], win[1], win[2], win[3], win[4],
                    win[5], win[6], win[7], oh, ow);
        }

        int k() {
            return cg * kh * kw;
        }

        int p() {
            return oh * ow;
        }
    }

    static INDArray forward(INDArray x, INDArray w, INDArray b, int[] window, int g) {
        Geo s = Geo.of(x, w, window, g);
        INDArray cols = cols(x, s, window);
        INDArray ymat = Nd4j.createUninitialized(x.dataType(), g, s.og(), (long) s.n() * s.p());
        matmul(w.reshape('c', g, s.og(), s.k()), cols, ymat, false, false);
        return swapToImages(ymat, b, s);
    }

    /** Returns {dX, dW, dB (null without bias)}. */
    static INDArray[] backward(INDArray x, INDArray w, INDArray b, INDArray gy, int[] window, int g) {
        Geo s = Geo.of(x, w, window, g);
        INDArray cols = cols(x, s, window);
        long q = (long) s.n() * s.p();
        double[] db = b == null ? null : new double[s.oc()];
        boolean summed = javaPath(gy);
        INDArray gmat = swapToChannels(gy, db, s).reshape('c', g, s.og(), q);
        INDArray dw = Nd4j.createUninitialized(x.dataType(), g, s.og(), s.k());
        matmul(gmat, cols, dw, false, true);
        INDArray dcols = Nd4j.createUninitialized(x.dataType(), g, s.k(), q);
        matmul(w.reshape('c', g, s.og(), s.k()), gmat, dcols, true, false);
        INDArray dx = image(dcols, s, window);
        INDArray dbArr = null;
        if (b != null) {
            dbArr = summed ? Broadcasting.channelVector(db, b.shape()) : gy.sum(0, 2, 3).reshape(b.shape());
        }
        return new INDArray[] {dx, dw.reshape(w.shape()), dbArr};
    }

    private static void matmul(INDArray a, INDArray bm, INDArray out, boolean transA, boolean transB) {
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, bm).addOutputs(out)
                .addIntegerArguments(transA ? 1 : 0, transB ? 1 : 0).build());
    }

    private static boolean javaPath(INDArray a) {
        return FloatKernels.plain(a);
    }

    /** cols [g, K, N*P] (see the class comment). */
    private static INDArray cols(INDArray x, Geo s, int[] window) {
        long q = (long) s.n() * s.p();
        if (!javaPath(x)) {
            // ND4J im2col gives [N, C, kH, kW, oH, oW] = [N, g, K, P]; permute to [g, K, N, P]
            INDArray c6 = CustomOps.exec("im2col", new INDArray[] {x}, java.util.Arrays.copyOf(window, 9))[0];
            return c6.reshape('c', s.n(), s.g(), s.k(), s.p()).permute(1, 2, 0, 3).dup('c').reshape('c', s.g(), s.k(), q);
        }
        INDArray cols = Nd4j.create(DataType.FLOAT, s.g(), s.k(), q);
        walk(s, FloatKernels.buffer(x), FloatKernels.buffer(cols), true);
        return cols;
    }

    /** The input gradient from dcols [g, K, N*P]: the transpose of {@link #cols}, summing overlaps. */
    private static INDArray image(INDArray dcols, Geo s, int[] window) {
        if (!javaPath(dcols)) {
            INDArray c6 = dcols.reshape('c', s.g(), s.k(), s.n(), s.p()).permute(2, 0, 1, 3).dup('c')
                    .reshape('c', s.n(), s.c(), s.kh(), s.kw(), s.oh(), s.ow());
            return CustomOps.exec("col2im", new INDArray[] {c6}, new int[] {window[2], window[3], window[4], window[5],
                s.h(), s.w(), window[6], window[7], window[8]})[0];
        }
        INDArray dx = Nd4j.create(DataType.FLOAT, s.n(), s.c(), s.h(), s.w());
        walk(s, FloatKernels.buffer(dx), FloatKernels.buffer(dcols), false);
        return dx;
    }

    /**
     * The one walk over (image pixel, column entry) pairs of a grouped im2col: {@code toCols} copies
     * each in-image pixel to its column entry (cols start as zeros, so padding stays 0); otherwise
     * each column entry is added to its pixel (col2im, overlapping windows summed).
     */
    private static void walk(Geo s, FloatBuffer image, FloatBuffer cols, boolean toCols) {
        long q = (long) s.n() * s.p();
        int hw = s.h() * s.w();
        int p = s.p();
        for (int ch = 0; ch < s.c(); ch++) {
            int j = ch / s.cg();
            int ci = ch % s.cg();
            for (int a = 0; a < s.kh(); a++) {
                for (int bb = 0; bb < s.kw(); bb++) {
                    int row = (j * s.k()) + (ci * s.kh() + a) * s.kw() + bb;
                    for (int n = 0; n < s.n(); n++) {
                        int img = (n * s.c() + ch) * hw;
                        int col = (int) (row * q) + n * p;
                        for (int oy = 0; oy < s.oh(); oy++) {
                            int iy = oy * s.sh() - s.ph() + a * s.dh();
                            if (iy < 0 || iy >= s.h()) {
                                continue; // padding: zeros in cols, nothing to add back
                            }
                            int irow = img + iy * s.w();
                            int crow = col + oy * s.ow();
                            for (int ox = 0; ox < s.ow(); ox++) {
                                int ix = ox * s.sw() - s.pw() + bb * s.dw();
                                if (ix >= 0 && ix < s.w()) {
                                    if (toCols) {
                                        cols.put(crow + ox, image.get(irow + ix));
                                    } else {
                                        image.put(irow + ix, image.get(irow + ix) + cols.get(crow + ox));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Ymat [oC, N, P] to Y [N, oC, oH, oW], plus the bias. */
    private static INDArray swapToImages(INDArray ymat, INDArray b, Geo s) {
        if (!javaPath(ymat)) {
            INDArray y = ymat.reshape('c', s.oc(), s.n(), s.p()).permute(1, 0, 2).dup('c')
                    .reshape('c', s.n(), s.oc(), s.oh(), s.ow());
            return b == null ? y : y.addi(b.reshape(1, s.oc(), 1, 1));
        }
        FloatBuffer ya = FloatKernels.buffer(ymat);
        float[] bias = b == null ? null : b.reshape(b.length()).toFloatVector();
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {s.n(), s.oc(), s.oh(), s.ow()}, 'c');
        FloatBuffer out = FloatKernels.buffer(y);
        int p = s.p();
        for (int o = 0; o < s.oc(); o++) {
            float bo = bias == null ? 0f : bias[o];
            for (int n = 0; n < s.n(); n++) {
                int src = (o * s.n() + n) * p;
                int dst = (n * s.oc() + o) * p;
                for (int i = 0; i < p; i++) {
                    out.put(dst + i, ya.get(src + i) + bo);
                }
            }
        }
        return y;
    }

    /** G [N, oC, oH, oW] to Gmat [oC, N*P]; fills {@code db} (if not null) with the per-channel sums (FLOAT path). */
    private static INDArray swapToChannels(INDArray gy, double[] db, Geo s) {
        if (!javaPath(gy)) {
            return gy.reshape('c', s.n(), s.oc(), s.p()).permute(1, 0, 2).dup('c');
        }
        FloatBuffer ga = FloatKernels.buffer(gy);
        INDArray gmat = Nd4j.createUninitialized(DataType.FLOAT, new long[] {s.oc(), (long) s.n() * s.p()}, 'c');
        FloatBuffer out = FloatKernels.buffer(gmat);
        int p = s.p();
        for (int n = 0; n < s.n(); n++) {
            for (int o = 0; o < s.oc(); o++) {
                int src = (n * s.oc() + o) * p;
                int dst = (o * s.n() + n) * p;
                float acc = 0f;
                for (int i = 0; i < p; i++) {
                    float v = ga.get(src + i);
                    out.put(dst + i, v);
                    acc += v;
                }
                if (db != null) {
                    db[o] += acc;
                }
            }
        }
        return gmat;
    }
}
