package io.qforge.engine.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Dilated 2-D pooling on an explicitly padded NCHW input, written as kH*kW strided views:
 * window tap (a, b) of every output cell is the view
 * {@code xp[:, :, a*dH :: sH][:oH], [b*dW :: sW][:oW]}; max / sum over the taps gives the pooled
 * output. Used for dilation > 1, where ND4J's {@code maxpool2d}/{@code avgpool2d} disagree with
 * ONNX Runtime. Cost: kH*kW elementwise ops on output-sized views.
 */
final class StridedWindows {
    private StridedWindows() {
    }

    private static INDArray tap(INDArray xp, Spatial2d sp, long oh, long ow, long a, long b) {
        long h0 = a * sp.dH;
        long w0 = b * sp.dW;
        return xp.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(h0, sp.sH, h0 + (oh - 1) * sp.sH + 1),
                NDArrayIndex.interval(w0, sp.sW, w0 + (ow - 1) * sp.sW + 1));
    }

    static long outSize(long padded, long k, long s, long d) {
        return (padded - (d * (k - 1) + 1)) / s + 1;
    }

    /** Max over each window of the padded input. */
    static INDArray max(INDArray xp, Spatial2d sp) {
        long oh = outSize(xp.size(2), sp.kH, sp.sH, sp.dH);
        long ow = outSize(xp.size(3), sp.kW, sp.sW, sp.dW);
        INDArray out = null;
        for (long a = 0; a < sp.kH; a++) {
            for (long b = 0; b < sp.kW; b++) {
                INDArray v = tap(xp, sp, oh, ow, a, b);
                out = out == null ? v.dup('c') : Transforms.max(out, v, false);
            }
        }
        return out;
    }

    /** Gradient of {@link #max} w.r.t. the padded input: G goes to the first tap holding the max. */
    static INDArray maxBackward(INDArray xp, INDArray y, INDArray g, Spatial2d sp) {
        long oh = y.size(2);
        long ow = y.size(3);
        INDArray dxp = Nd4j.zeros(g.dataType(), xp.shape());
        INDArray remaining = Nd4j.ones(g.dataType(), y.shape());
        for (long a = 0; a < sp.kH; a++) {
            for (long b = 0; b < sp.kW; b++) {
                INDArray hit = tap(xp, sp, oh, ow, a, b).eq(y).castTo(g.dataType()).muli(remaining);
                tap(dxp, sp, oh, ow, a, b).addi(hit.mul(g));
                remaining.subi(hit);
            }
        }
        return dxp;
    }

    /** Sum over each window of the padded input. */
    static INDArray sum(INDArray xp, Spatial2d sp) {
        long oh = outSize(xp.size(2), sp.kH, sp.sH, sp.dH);
        long ow = outSize(xp.size(3), sp.kW, sp.sW, sp.dW);
        INDArray out = null;
        for (long a = 0; a < sp.kH; a++) {
            for (long b = 0; b < sp.kW; b++) {
                INDArray v = tap(xp, sp, oh, ow, a, b);
                out = out == null ? v.dup('c') : out.addi(v);
            }
        }
        return out;
    }

    /** Gradient of {@link #sum}: each tap's view of the padded input receives G. */
    static INDArray sumBackward(long[] paddedShape, INDArray g, Spatial2d sp) {
        INDArray dxp = Nd4j.zeros(g.dataType(), paddedShape);
        for (long a = 0; a < sp.kH; a++) {
            for (long b = 0; b < sp.kW; b++) {
                tap(dxp, sp, g.size(2), g.size(3), a, b).addi(g);
            }
        }
        return dxp;
    }
}
