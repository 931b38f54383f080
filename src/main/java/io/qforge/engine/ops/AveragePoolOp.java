package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX AveragePool, 2-D NCHW: kernel_shape, strides, pads, dilations, auto_pad, ceil_mode,
 * count_include_pad. Each output is {@code S / count}, S the window sum and count the number of
 * window cells that count: input cells, plus the declared pads when count_include_pad=1, never
 * the extra cells a ceil_mode output reads past the pads (ONNX Runtime's rule).
 *
 * <p>Symmetric pads, no ceil extension, no dilation: ND4J {@code avgpool2d} with
 * extra = count_include_pad. Otherwise X is zero-padded explicitly (declared pads plus the ceil
 * extension) and pooled without padding: {@code avgpool2d} gives {@code S/(kH*kW)}, divided by
 * {@code avgpool(M)} where the mask M is 1 on the cells that count. With dilation > 1 (where
 * ND4J's pooling disagrees with ONNX Runtime) the sums S and count come from
 * {@link StridedWindows}. Backward: the same linear maps transposed ({@code avgpool2d_bp} of
 * {@code G / avgpool(M)}, or strided-view accumulation), sliced back to X.
 */
final class AveragePoolOp implements Op {
    private final Node node;
    private final Spatial2d sp;
    private final boolean countIncludePad;

    AveragePoolOp(Node node) {
        this.node = node;
        this.sp = Spatial2d.of(node, null);
        long cip = node.attrInt("count_include_pad", 0);
        if (cip != 0 && cip != 1) {
            throw new IllegalArgumentException("AveragePool '" + node.name() + "': count_include_pad " + cip
                    + " must be 0 or 1");
        }
        this.countIncludePad = cip == 1;
    }

    private boolean nativePath(long[] pad) {
        return Spatial2d.symmetric(pad) && !sp.dilated();
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        Spatial2d.requireNchw(x, "AveragePool '" + node.name() + "'");
        long[] pad = sp.padding(x.size(2), x.size(3));
        if (nativePath(pad)) {
            int[] ia = sp.window(pad, countIncludePad ? 1 : 0, 0);
            return new INDArray[] {CustomOps.exec("avgpool2d", new INDArray[] {x}, ia)[0]};
        }
        INDArray xin = Spatial2d.padExplicit(x, pad, 0.0);
        if (sp.dilated()) {
            return new INDArray[] {StridedWindows.sum(xin, sp).divi(StridedWindows.sum(mask(x, pad), sp))};
        }
        INDArray y = CustomOps.exec("avgpool2d", new INDArray[] {xin}, sp.window(pad, 1, 0))[0];
        INDArray frac = countFraction(x, pad);
        return new INDArray[] {frac == null ? y : y.divi(frac)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        INDArray g = gradOutputs[0];
        long[] pad = sp.padding(x.size(2), x.size(3));
        if (nativePath(pad)) {
            int[] ia = sp.window(pad, countIncludePad ? 1 : 0, 0);
            return new INDArray[] {CustomOps.exec("avgpool2d_bp", new INDArray[] {x, g}, ia)[0]};
        }
        INDArray dx;
        if (sp.dilated()) {
            INDArray m = mask(x, pad);
            INDArray gs = g.div(StridedWindows.sum(m, sp));
            long[] paddedShape = {x.size(0), x.size(1), m.size(2), m.size(3)};
            dx = StridedWindows.sumBackward(paddedShape, gs, sp);
        } else {
            INDArray xin = Spatial2d.padExplicit(x, pad, 0.0);
            INDArray frac = countFraction(x, pad);
            INDArray gs = frac == null ? g : g.div(frac);
            dx = CustomOps.exec("avgpool2d_bp", new INDArray[] {xin, gs}, sp.window(pad, 1, 0))[0];
        }
        return new INDArray[] {Spatial2d.unpad(dx, pad, x.size(2), x.size(3))};
    }

    /** [1,1,Hp,Wp] over the explicitly padded extent: 1 where a cell counts toward the divisor. */
    private INDArray mask(INDArray x, long[] pad) {
        long h = x.size(2);
        long w = x.size(3);
        if (countIncludePad) {
            INDArray m = Nd4j.ones(x.dataType(), 1, 1, h + pad[0] + pad[2], w + pad[1] + pad[3]);
            return Spatial2d.padExplicit(m, new long[] {0, 0, 0, 0, pad[4], pad[5]}, 0.0);
        }
        return Spatial2d.padExplicit(Nd4j.ones(x.dataType(), 1, 1, h, w), pad, 0.0);
    }

    /**
     * {@code avgpool(M)} of shape [1,1,oH,oW]: the fraction of each window that counts toward
     * the divisor; null when every cell counts (the divisor is then kH*kW).
     */
    private INDArray countFraction(INDArray x, long[] pad) {
        if (countIncludePad && pad[4] == 0 && pad[5] == 0) {
            return null;
        }
        return CustomOps.exec("avgpool2d", new INDArray[] {mask(x, pad)}, sp.window(pad, 1, 0))[0];
    }
}
