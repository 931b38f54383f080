package io.qforge.engine.int8;

/**
 * gemmlowp / TFLite fixed-point primitives, exactly as QAT-MATH.md writes them. All arithmetic is
 * on int32 values with int64 intermediates. Both round to nearest; on exact ties
 * {@link #saturatingRoundingDoublingHighMul} rounds up (toward +infinity: its negative nudge is
 * {@code 1 - 2^30}) and {@link #roundingDivideByPOT} rounds away from zero.
 */
public final class FixedPoint {
    private FixedPoint() {
    }

    /**
     * {@code floor(a * b / 2^31 + 1/2)} saturated: the high 32 bits of the doubled 64-bit product,
     * rounded to nearest, ties up. The only overflow case, {@code a == b == INT32_MIN}, returns {@code INT32_MAX}.
     * <pre>
     * ab = (int64) a * b;  nudge = ab >= 0 ? 1 << 30 : 1 - (1 << 30)
     * return (int32) ((ab + nudge) / 2^31)        // division truncates toward zero, not >> 31
     * </pre>
     */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * (long) b;
        long nudge = ab >= 0 ? (1L << 30) : 1L - (1L << 30);
        return (int) ((ab + nudge) / (1L << 31));
    }

    /**
     * {@code x / 2^exponent} rounded to nearest, ties away from zero, for {@code 0 <= exponent <= 31}.
     * <pre>
     * mask = (1 << n) - 1;  rem = x & mask;  threshold = (mask >> 1) + (x < 0 ? 1 : 0)
     * return (x >> n) + (rem > threshold ? 1 : 0)
     * </pre>
     */
    public static int roundingDivideByPOT(int x, int exponent) {
        if (exponent < 0 || exponent > 31) {
            throw new IllegalArgumentException("roundingDivideByPOT: exponent " + exponent + " is not allowed (0..31)");
        }
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * {@code x * M} rounded, with {@code M = m0 * 2^-31 * 2^-shift}: a saturating left shift first
     * when {@code shift < 0} (M >= 1), else {@link #roundingDivideByPOT} after the high multiply.
     */
    public static int multiply(int x, FixedPointMultiplier m) {
        int shift = m.shift();
        if (shift < 0) {
            long shifted = (long) x << -shift;
            int sat = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, shifted));
            return saturatingRoundingDoublingHighMul(sat, m.m0());
        }
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, m.m0()), shift);
    }

    /**
     * {@code x * M} with a single rounding (to nearest, ties away from zero) of the exact 64-bit
     * product {@code x * M0 / 2^(31 + shift)}, saturated to int32. Unlike {@link #multiply} (two
     * roundings, gemmlowp), the error is at most 1/2 plus M0's own 2^-31 relative error; used where
     * qforge is free to choose (average pooling).
     */
    public static int multiplyRoundOnce(int x, FixedPointMultiplier m) {
        if (m.m0() == 0) {
            return 0;
        }
        int t = 31 + m.shift();
        long p = (long) x * m.m0();
        long mag = (Math.abs(p) + (1L << (t - 1))) >> t;
        long r = p < 0 ? -mag : mag;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
    }

    /**
     * {@code x * M} with a single rounding to nearest, <b>ties to even</b>, of the exact 64-bit
     * product {@code p = x * M0} divided by {@code 2^t}, {@code t = 31 + shift} (>= 1), saturated
     * to int32:
     * <pre>
     * q = p >> t  (floor);   r = p - (q << t)  in [0, 2^t);   half = 2^(t-1)
     * q += (r > half || (r == half && q odd)) ? 1 : 0
     * </pre>
     * This is ONNX's {@code rint} applied to {@code x * M0 / 2^(31+shift)}: it differs from the exact
     * {@code rint(x * M)} only through M0's own relative error (below 2^-31), i.e. when
     * {@code x * M} lies within {@code |x| M 2^-31} of a tie. Integer arithmetic only.
     */
    public static int multiplyRoundHalfEven(int x, FixedPointMultiplier m) {
        if (m.m0() == 0) {
            return 0;
        }
        int t = 31 + m.shift();
        long p = (long) x * m.m0();
        long q = p >> t;
        long r = p - (q << t);
        long half = 1L << (t - 1);
        if (r > half || (r == half && (q & 1) != 0)) {
            q++;
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
    }
}
