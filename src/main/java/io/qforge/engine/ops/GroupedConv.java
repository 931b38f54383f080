package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Grouped convolution (1 < group, not depthwise) as one im2col and one batched GEMM, instead of
 * one {@code conv2d} per group: regnet_y_400mf has 6..55 groups of 8 channels per conv and the
 * per-group calls (slice copies, a oneDNN primitive per group, concatenation) cost more than the
 * arithmetic.
 *
 * <p>With X [N,C,H,W], g groups of cg = C/g input and og = oC/g output channels, K = cg*kH*kW,
 * P = oH*oW: {@code cols = im2col(X)} is [N,C,kH,kW,oH,oW] = [N*g, K, P] (a reshape), the weight
 * [oC,cg,kH,kW] is [g, og, K], and for every image n and group j
 * {@code Y[n,j] = W[j] cols[n,j]} ([og,P]), so Y [N*g, og, P] is already [N,oC,oH,oW]. The weight
 * is repeated N times along the batch axis of the GEMM. Backward:
 * {@code dW[j] = sum_n G[n,j] cols[n,j]^T}, {@code dcols[n,j] = W[j]^T G[n,j]},
 * {@code dX = col2im(dcols)}, {@code dB = sum over n, p of G}.
 */
final class GroupedConv {
    private GroupedConv() {
    }

    /** {@code window} = kH,kW,sH,sW,pH,pW,dH,dW,same; w [oC, C/g, kH, kW] with kH, kW = window[0..1]. */
    static INDArray forward(INDArray x, INDArray w, INDArray b, int[] window, int g) {
        Geometry s = new Geometry(x, w, window, g);
        INDArray cols = CustomOps.exec("im2col", new INDArray[] {x}, java.util.Arrays.copyOf(window, 9))[0]
                .reshape('c', s.n * g, s.k, s.p);
        INDArray y = Nd4j.createUninitialized(x.dataType(), s.n * g, s.og, s.p);
        Nd4j.exec(DynamicCustomOp.builder("matmul")
                .addInputs(s.repeatedWeight(w), cols).addOutputs(y).build());
        INDArray out = y.reshape('c', s.n, s.oc, s.oh, s.ow);
        if (b != null) {
            out.addi(b.reshape(1, s.oc, 1, 1));
        }
        return out;
    }

    /** Returns {dX, dW, dB (null without bias)}; same arguments as {@link #forward} plus the output gradient. */
    static INDArray[] backward(INDArray x, INDArray w, INDArray b, INDArray gy, int[] window, int g) {
        Geometry s = new Geometry(x, w, window, g);
        INDArray cols = CustomOps.exec("im2col", new INDArray[] {x}, java.util.Arrays.copyOf(window, 9))[0]
                .reshape('c', s.n * g, s.k, s.p);
        INDArray g3 = gy.dup('c').reshape('c', s.n * g, s.og, s.p);
        // dW per image and group: G[n,j] cols[n,j]^T, then summed over the images
        INDArray dwAll = Nd4j.createUninitialized(x.dataType(), s.n * g, s.og, s.k);
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(g3, cols).addOutputs(dwAll)
                .addIntegerArguments(0, 1).build());
        INDArray dw = dwAll.reshape('c', s.n, (long) g * s.og * s.k).sum(0).reshape(w.shape());
        // dcols = W^T G, back to the image by col2im
        INDArray dcols = Nd4j.createUninitialized(x.dataType(), s.n * g, s.k, s.p);
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(s.repeatedWeight(w), g3).addOutputs(dcols)
                .addIntegerArguments(1, 0).build());
        INDArray dcols6 = dcols.reshape('c', s.n, s.c, window[0], window[1], s.oh, s.ow);
        INDArray dx = CustomOps.exec("col2im", new INDArray[] {dcols6},
                new int[] {window[2], window[3], window[4], window[5], (int) x.size(2), (int) x.size(3), window[6], window[7], window[8]})[0];
        INDArray db = b == null ? null : gy.sum(0, 2, 3).reshape(b.shape());
        return new INDArray[] {dx, dw, db};
    }

    private record Geometry(long n, long c, long oc, long og, long k, long p, long oh, long ow, int g) {
        Geometry(INDArray x, INDArray w, int[] window, int g) {
            this(x.size(0), x.size(1), w.size(0), w.size(0) / g, x.size(1) / g * window[0] * window[1],
                    outSize(x.size(2), window[0], window[2], window[4], window[6]) * outSize(x.size(3), window[1], window[3], window[5], window[7]),
                    outSize(x.size(2), window[0], window[2], window[4], window[6]),
                    outSize(x.size(3), window[1], window[3], window[5], window[7]), g);
        }

        private static long outSize(long in, long k, long s, long pad, long d) {
            return (in + 2 * pad - d * (k - 1) - 1) / s + 1;
        }

        /** The weight as [N*g, og, K]: [g, og, K] repeated for every image. */
        INDArray repeatedWeight(INDArray w) {
            INDArray w3 = w.reshape('c', 1, (long) g * og, k);
            return w3.repeat(0, n).reshape('c', n * g, og, k);
        }
    }
}
