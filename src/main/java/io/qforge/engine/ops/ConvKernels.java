package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The three ND4J convolution paths behind {@link ConvOp}. All take the already padded input,
 * ONNX-layout weights [oC, C/g, kH, kW] and the window iArgs without the format tail.
 *
 * <ul>
 *   <li>DENSE: {@code conv2d} / {@code conv2d_bp}, NCHW, wFormat 1 (= [oC,iC,kH,kW]); a 1x1
 *       kernel on a 1x1 input without padding (squeeze-excitation) is a GEMM ({@link PointwiseConv}).</li>
 *   <li>DEPTHWISE (group == C, multiplier m = oC/C): the ONNX weight [C*m,1,kH,kW] is viewed as
 *       [C,m,kH,kW] and permuted to ND4J's [kH,kW,C,m]; output channel c*m+j is input channel c
 *       with filter j in both layouts. The weight gradient is permuted back.</li>
 *   <li>GROUPED: one im2col and one batched GEMM over images and groups ({@link GroupedConv});
 *       it replaced one conv2d per group, which was most of regnet_y_400mf's step.</li>
 * </ul>
 */
final class ConvKernels {
    enum Kind { DENSE, DEPTHWISE, GROUPED }

    private ConvKernels() {
    }

    /** Window iArgs (9) + data format 0 (NCHW) + weight format. */
    private static int[] withFormat(int[] window, int wFormat) {
        int[] a = java.util.Arrays.copyOf(window, 11);
        a[9] = 0;
        a[10] = wFormat;
        return a;
    }

    /** {@code window} = kH,kW,sH,sW,pH,pW,dH,dW,same. */
    static INDArray forward(Kind kind, INDArray x, INDArray w, INDArray b, int[] window, long groups) {
        if (x.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE && window[8] == 0) {
            return Float64Conv.forward(x, w, b, window, groups); // libnd4j's float64 kernels are ~50x slower
        }
        return forwardNd4j(kind, x, w, b, window, groups);
    }

    /** {@link #forward} by libnd4j's kernels, whatever the data type. */
    static INDArray forwardNd4j(Kind kind, INDArray x, INDArray w, INDArray b, int[] window, long groups) {
        int[] head = window;
        switch (kind) {
            case DENSE:
                if (PointwiseConv.applies(x, window)) {
                    return PointwiseConv.forward(x, w, b);
                }
                return CustomOps.exec("conv2d", new INDArray[] {x, w, b}, withFormat(head, 1))[0];
            case DEPTHWISE:
                return CustomOps.exec("depthwise_conv2d", new INDArray[] {x, toDepthwise(w, x.size(1)), b},
                        withFormat(head, 0))[0];
            default:
                return GroupedConv.forward(x, w, b, head, (int) groups);
        }
    }

    /** Returns {dX, dW, dB (null without bias)}. */
    static INDArray[] backward(Kind kind, INDArray x, INDArray w, INDArray b, INDArray gy, int[] window,
                               long groups) {
        int[] head = window;
        switch (kind) {
            case DENSE: {
                if (PointwiseConv.applies(x, window)) {
                    return PointwiseConv.backward(x, w, b, gy);
                }
                INDArray[] r = CustomOps.exec("conv2d_bp", new INDArray[] {x, w, b, gy}, withFormat(head, 1));
                return new INDArray[] {r[0], r[1], b == null ? null : r[2]};
            }
            case DEPTHWISE: {
                long c = x.size(1);
                INDArray[] r = CustomOps.exec("depthwise_conv2d_bp",
                        new INDArray[] {x, toDepthwise(w, c), b, gy}, withFormat(head, 0));
                INDArray dw = r[1].permute(2, 3, 0, 1).dup('c').reshape(w.shape());
                return new INDArray[] {r[0], dw, b == null ? null : r[2]};
            }
            default:
                return GroupedConv.backward(x, w, b, gy, head, (int) groups);
        }
    }

    /**
     * A dilated kernel as an undilated one with zeros between the taps:
     * {@code wd[:, :, a*dH, b*dW] = w[:, :, a, b]}, 0 elsewhere. Used for conv2d, whose oneDNN
     * float32 path refuses any dilation ("could not create a descriptor for a dilated
     * convolution"); the result is exact.
     */
    static INDArray dilateKernel(INDArray w, Spatial2d sp) {
        long ekH = sp.dH * (sp.kH - 1) + 1;
        long ekW = sp.dW * (sp.kW - 1) + 1;
        INDArray wd = Nd4j.zeros(w.dataType(), w.size(0), w.size(1), ekH, ekW);
        taps(wd, sp).assign(w);
        return wd;
    }

    /** The gradient of {@link #dilateKernel}: the taps of a dilated-kernel gradient (a copy). */
    static INDArray undilateKernel(INDArray dwd, Spatial2d sp) {
        return taps(dwd, sp).dup('c');
    }

    private static INDArray taps(INDArray wd, Spatial2d sp) {
        return wd.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, sp.dH, wd.size(2)),
                NDArrayIndex.interval(0, sp.dW, wd.size(3)));
    }

    /** ONNX depthwise weight [C*m,1,kH,kW] as ND4J's [kH,kW,C,m] (a copy). */
    private static INDArray toDepthwise(INDArray w, long c) {
        long m = w.size(0) / c;
        return w.reshape(c, m, w.size(2), w.size(3)).permute(2, 3, 0, 1).dup('c');
    }
}
