package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 1x1 convolution on a 1x1 input without padding, as squeeze-excitation blocks run it after a
 * GlobalAveragePool: X [N,C,1,1], W [oC,C,1,1] is the GEMM {@code Y = X W^T + b} ([N,oC]).
 * Backward: {@code dX = G W}, {@code dW = G^T X}, {@code dB = sum_n G}. oneDNN's conv2d_bp on
 * these shapes cost ~5 ms a call (regnet_y_400mf and efficientnet_b0 have 32 of them per step).
 */
final class PointwiseConv {
    private PointwiseConv() {
    }

    /** {@code window} = kH,kW,sH,sW,pH,pW,dH,dW,same: a 1x1 kernel, no padding, and a 1x1 input. */
    static boolean applies(INDArray x, int[] window) {
        return window[0] == 1 && window[1] == 1 && window[4] == 0 && window[5] == 0 && window[8] == 0
                && x.rank() == 4 && x.size(2) == 1 && x.size(3) == 1;
    }

    static INDArray forward(INDArray x, INDArray w, INDArray b) {
        long n = x.size(0);
        long oc = w.size(0);
        INDArray y = x.reshape(n, x.size(1)).mmul(w.reshape(oc, w.size(1)).transpose());
        if (b != null) {
            y.addiRowVector(b.reshape(1, oc));
        }
        return y.reshape(n, oc, 1, 1);
    }

    /** Returns {dX, dW, dB (null without bias)}. */
    static INDArray[] backward(INDArray x, INDArray w, INDArray b, INDArray gy) {
        long n = x.size(0);
        long oc = w.size(0);
        INDArray g2 = gy.reshape(n, oc);
        INDArray x2 = x.reshape(n, x.size(1));
        INDArray dx = g2.mmul(w.reshape(oc, w.size(1))).reshape(x.shape());
        INDArray dw = g2.transpose().mmul(x2).reshape(w.shape());
        INDArray db = b == null ? null : g2.sum(0).reshape(b.shape());
        return new INDArray[] {dx, dw, db};
    }
}
