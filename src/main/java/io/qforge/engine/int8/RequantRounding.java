package io.qforge.engine.int8;

/**
 * How a {@link Requantizer} rounds {@code acc * M} ({@code M = M0 * 2^-31 * 2^-shift}, M0 a Q31
 * integer). Both are integer-only.
 * <ul>
 * <li>{@link #GEMMLOWP}: QAT-MATH.md's SaturatingRoundingDoublingHighMul (ties up) then
 *     RoundingDivideByPOT (ties away from zero) -- two roundings, bit-exact with gemmlowp / TFLite.
 *     The first rounding is to a step of {@code 2^-shift} output LSB, so the result is off by one
 *     whenever {@code acc * M} is within {@code 2^-(shift+1)} of a tie: measured 0.1-0.4% of
 *     outputs for 8-bit layers and 2-17% for 4-bit layers (whose M is ~16x larger, shift ~4 smaller).</li>
 * <li>{@link #HALF_EVEN}: one rounding of the exact 64-bit product, ties to even
 *     ({@link FixedPoint#multiplyRoundHalfEven}) -- ONNX QuantizeLinear's rule, which ONNX Runtime's
 *     QLinear kernels apply to their float32 product; off from the exact {@code rint(acc * M)} only
 *     within M0's 2^-31 relative error of a tie.</li>
 * </ul>
 */
public enum RequantRounding {
    GEMMLOWP, HALF_EVEN;

    public int multiply(int acc, FixedPointMultiplier m) {
        return this == GEMMLOWP ? FixedPoint.multiply(acc, m) : FixedPoint.multiplyRoundHalfEven(acc, m);
    }
}
