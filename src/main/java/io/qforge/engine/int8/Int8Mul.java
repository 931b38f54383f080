package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise product of two int8 tensors (numpy broadcasting), per-tensor params:
 * <pre>
 * p   = (a_q - z_a) (b_q - z_b)                         (int32, |p| <= 255^2)
 * y_q = clamp(round(p * M) + z_y, lo, hi),   M = s_a s_b / s_y   (Q31 M0 and shift)
 * </pre>
 * {@code round(p * M)} is {@link FixedPoint#multiplyRoundHalfEven}: one rounding to nearest, ties to
 * even, of the exact 64-bit product {@code p * M0 / 2^(31 + shift)} -- the correctly rounded value
 * up to M0's 2^-31 relative error (gemmlowp's two-step rounding would add 1 LSB errors within
 * {@code 2^-(shift+1)} of a tie). ONNX Runtime's QLinearMul computes {@code p * M} in float32 and
 * rounds half to even, so results can differ by 1 LSB only where the two multipliers' rounding
 * errors (2^-24 vs 2^-31 relative) straddle a tie.
 */
public final class Int8Mul {
    private final int za;
    private final int zb;
    private final int zy;
    private final FixedPointMultiplier m;
    private final ClampRange range;
    /** {@link #apply} of every int8 pair, indexed {@code (a & 0xff) << 8 | (b & 0xff)} (64 KiB, built once). */
    private final byte[] table = new byte[1 << 16];

    public Int8Mul(QuantParams a, QuantParams b, QuantParams out, ClampRange range) {
        this.za = a.zeroPoint(0);
        this.zb = b.zeroPoint(0);
        this.zy = out.zeroPoint(0);
        this.m = FixedPointMultiplier.of(a.scale(0) * b.scale(0) / out.scale(0));
        this.range = range;
        for (int qa = -128; qa <= 127; qa++) {
            for (int qb = -128; qb <= 127; qb++) {
                table[(qa & 0xff) << 8 | (qb & 0xff)] = (byte) apply(qa, qb);
            }
        }
    }

    public Int8Mul(QuantParams a, QuantParams b, QuantParams out) {
        this(a, b, out, ClampRange.of(out));
    }

    /** One element. */
    public int apply(int aq, int bq) {
        return range.apply(FixedPoint.multiplyRoundHalfEven((aq - za) * (bq - zb), m) + zy);
    }

    public INDArray forward(INDArray a, INDArray b) {
        return Int8Broadcast.lookup(a, b, table, "int8 mul"); // = apply per element (Int8ElementwiseTest)
    }
}
