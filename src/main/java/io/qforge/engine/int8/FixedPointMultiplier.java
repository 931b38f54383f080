package io.qforge.engine.int8;

/**
 * A real multiplier {@code M} as {@code M0 * 2^-31 * 2^-shift}, {@code M0} a Q31 integer in
 * {@code [2^30, 2^31)} (i.e. M0/2^31 in [0.5, 1)). For the usual {@code 0 < M < 1} the shift is
 * a right shift ({@code shift >= 0}); {@code 1 <= M < 2^30} gives a negative shift, applied as a
 * saturating left shift before the multiply ({@link FixedPoint#multiply}). {@code M = 0}, and any
 * {@code M < 2^-32} (for which {@code |acc * M| < 0.5} for every int32 acc, so the result rounds to
 * 0 anyway), is the zero multiplier {@code (0, 0)}.
 */
public record FixedPointMultiplier(int m0, int shift) {
    /** Largest multiplier accepted (exclusive). */
    public static final double MAX = 0x1p30;

    public FixedPointMultiplier {
        if (m0 < 0 || (m0 != 0 && m0 < (1 << 30))) {
            throw new IllegalArgumentException("fixed-point multiplier: m0 " + m0 + " is not allowed (0 or [2^30, 2^31))");
        }
        if (shift < -30 || shift > 31) {
            throw new IllegalArgumentException("fixed-point multiplier: shift " + shift + " is not allowed (-30..31)");
        }
    }

    /**
     * Decomposes {@code M}: {@code M = f * 2^e}, f in [0.5, 1); {@code M0 = rint(f * 2^31)}; if that
     * rounds up to 2^31, {@code M0 = 2^30} and e grows by one; {@code shift = -e}.
     *
     * @throws IllegalArgumentException for a negative, NaN or too large ({@code >= 2^30}) M
     */
    public static FixedPointMultiplier of(double m) {
        if (!(m >= 0) || m >= MAX) {
            throw new IllegalArgumentException("fixed-point multiplier: M = " + m + " is not allowed (0 <= M < 2^30)");
        }
        if (m == 0) {
            return new FixedPointMultiplier(0, 0);
        }
        int e = Math.getExponent(m) + 1;                 // m = f * 2^e, f in [0.5, 1)
        double f = Math.scalb(m, -e);
        long q = (long) Math.rint(f * 0x1p31);
        if (q == (1L << 31)) {
            q >>= 1;
            e++;
        }
        int shift = -e;
        if (shift > 31) {
            return new FixedPointMultiplier(0, 0);
        }
        return new FixedPointMultiplier((int) q, shift);
    }

    /** The real value {@code M0 * 2^(-31 - shift)}. */
    public double value() {
        return Math.scalb((double) m0, -31 - shift);
    }

    /** Per-channel requantization multipliers {@code M_c = s_x * s_w[c] / s_y}. */
    public static FixedPointMultiplier[] forScales(double inputScale, double[] weightScales, double outputScale) {
        FixedPointMultiplier[] m = new FixedPointMultiplier[weightScales.length];
        for (int c = 0; c < m.length; c++) {
            m[c] = of(inputScale * weightScales[c] / outputScale);
        }
        return m;
    }
}
