package io.qforge.engine.quant;

import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fake quantization with a learned step size (LSQ, Esser et al. 2020) as a graph node: inputs
 * {@code [x, scale]} where {@code scale} is a trainable initializer (a scalar / [1] per tensor, or
 * [C] per channel along the quantizer's axis), initialized by the rewriter from the observer's
 * params. Zero points, integer range and axis come from the {@link FakeQuantizer}'s params and stay
 * fixed (asymmetric activations keep the observer's offset; LSQ+ offset learning is not done).
 *
 * <pre>
 * s' = max(s, MIN_SCALE)   v = x / s'   r = rint(v) + z   q = clamp(r, qmin, qmax)
 * x_hat = s' (q - z)
 * dL/dx = dL/dx_hat * [r == q]                                         (STE, same mask as FakeQuantOp)
 * d x_hat / d s = rint(v) - v     if qmin <= r <= qmax                  (= (q - z) - v)
 *               = qmin - z (-Qn)  if r < qmin;   qmax - z (Qp)  if r > qmax
 * dL/ds_c = g * sum over channel c of dL/dx_hat * d x_hat/d s,   g = 1 / sqrt(N * qmax)
 * </pre>
 * N = elements per scale for weights (the whole tensor per tensor, one channel's elements per
 * channel) and features per sample for activations ({@code x.length / x.size(0)}).
 *
 * <p>Note: the clip test uses {@code r = rint(v) + z} (as PyTorch's learnable fake-quant and the STE
 * mask of QAT-MATH.md do) rather than {@code v} itself; the two differ only for {@code v} within
 * half a step outside the clip limits.
 *
 * <p>The scale is kept positive in the forward ({@code max(s, MIN_SCALE)}); an optimizer step that
 * drives it below should call {@link #clampScaleInPlace}.
 */
public final class LsqFakeQuantOp implements Op {
    /** Smallest scale the forward uses. */
    public static final double MIN_SCALE = 1e-8;
    private static final String MASK = "lsq.inside";
    private static final String DS = "lsq.dxhat_ds";
    private final FakeQuantizer quantizer;

    public LsqFakeQuantOp(FakeQuantizer quantizer) {
        this.quantizer = quantizer;
    }

    public FakeQuantizer quantizer() {
        return quantizer;
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {1};
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        if (!quantizer.fakeQuantEnabled()) {
            ctx.save(MASK, null);
            return new INDArray[] {x};
        }
        QuantParams p = quantizer.params();
        double[] s = scales(inputs[1], p);
        int axis = p.axis() < 0 ? -1 : AxisOps.checkAxis(x, p.axis(), s.length, "LSQ fake-quant '"
                + quantizer.name() + "'");
        INDArray[] r = FakeQuantKernels.plain(x) ? FakeQuantKernels.lsqForward(x, s, p, axis) : forwardNd4j(x, s, p, axis);
        ctx.save(MASK, r[1]);
        ctx.save(DS, r[2]);
        return new INDArray[] {r[0]};
    }

    /**
     * The ND4J-kernel forward: {@code {x_hat, inside, d x_hat / d s}} (DOUBLE and non-plain inputs;
     * the reference of {@link FakeQuantKernels#lsqForward}).
     */
    static INDArray[] forwardNd4j(INDArray x, double[] s, QuantParams p, int axis) {
        INDArray v = AxisOps.div(x, s, axis);
        INDArray r = Nd4j.exec(new Rint(v, v.ulike()));
        AxisOps.addi(r, p.zeroPoints(), axis);
        INDArray q = Transforms.min(Transforms.max(r, p.qmin(), true), p.qmax(), false);
        INDArray inside = q.eq(r).castTo(x.dataType());
        INDArray qMinusZ = AxisOps.subi(q, p.zeroPoints(), axis);      // q - z, in place on q
        INDArray ds = qMinusZ.sub(v.muli(inside));                     // (q - z) - v * inside
        INDArray out = AxisOps.mul(qMinusZ, s, axis);
        return new INDArray[] {out, inside, ds};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray g = gradOutputs[0];
        if (g == null) {
            return new INDArray[] {null, null};
        }
        INDArray inside = ctx.saved(MASK);
        if (inside == null) {
            return new INDArray[] {g, Nd4j.zeros(inputs[1].dataType(), inputs[1].shape())};
        }
        INDArray x = inputs[0];
        QuantParams p = quantizer.params();
        INDArray prod = g.mul(ctx.<INDArray>saved(DS));
        INDArray sum;
        long n;
        if (p.axis() < 0) {
            sum = prod.sum();
            n = quantizer.role() == TensorRole.WEIGHT ? x.length() : x.length() / x.size(0);
        } else {
            int axis = AxisOps.checkAxis(x, p.axis(), p.channels(), "LSQ fake-quant");
            sum = x.rank() == 1 ? prod : prod.sum(AxisOps.otherDims(x.rank(), axis));
            n = quantizer.role() == TensorRole.WEIGHT ? x.length() / x.size(axis) : x.length() / x.size(0);
        }
        double gradScale = 1.0 / Math.sqrt((double) n * p.qmax());
        INDArray dScale = sum.muli(gradScale).castTo(inputs[1].dataType()).reshape(inputs[1].shape());
        INDArray dx = FakeQuantKernels.plain(g) && FakeQuantKernels.plain(inside)
                && java.util.Arrays.equals(g.shape(), inside.shape()) ? FakeQuantKernels.multiply(g, inside) : g.mul(inside);
        return new INDArray[] {dx, dScale};
    }

    /** In place: {@code s = max(s, MIN_SCALE)} (call after an optimizer step). */
    public static INDArray clampScaleInPlace(INDArray scale) {
        return Transforms.max(scale, MIN_SCALE, false);
    }

    private double[] scales(INDArray scale, QuantParams p) {
        double[] s = scale.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(scale.length())
                .toDoubleVector();
        if (s.length != p.channels()) {
            throw new IllegalArgumentException("LSQ fake-quant '" + quantizer.name() + "': scale has " + s.length
                    + " values, the quantizer has " + p.channels() + " channels");
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(s[i], MIN_SCALE);
        }
        return s;
    }
}
