package io.qforge.engine.int8;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * int32 accumulators to int8 outputs (QAT-MATH.md, "Integer requantization"):
 * <pre>
 * y   = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, M0q[c]), n[c]) + z_y
 * y_q = clamp(y, lo, hi)
 * </pre>
 * one multiplier per channel (or one for all), {@code [lo, hi]} the output range, narrowed by a
 * fused ReLU / ReLU6 ({@link FusedActivation}). Rounding is gemmlowp's two-step rounding (the high
 * multiply rounds, ties up, then the shift rounds, ties away from zero): the result is the correctly
 * rounded {@code acc * M} except within {@code 2^-(n+1)} of a tie, where it can be 1 LSB off; ONNX
 * Runtime rounds a float product half to even, so the two agree within 1 LSB.
 */
public final class Requantizer {
    private final FixedPointMultiplier[] multipliers;
    private final int zeroPoint;
    private final int lo;
    private final int hi;
    private final RequantRounding rounding;

    /** gemmlowp rounding ({@link RequantRounding#GEMMLOWP}). */
    public Requantizer(FixedPointMultiplier[] multipliers, int zeroPoint, int lo, int hi) {
        this(multipliers, zeroPoint, lo, hi, RequantRounding.GEMMLOWP);
    }

    public Requantizer(FixedPointMultiplier[] multipliers, int zeroPoint, int lo, int hi, RequantRounding rounding) {
        if (multipliers.length == 0) {
            throw new IllegalArgumentException("requantizer: no multiplier");
        }
        if (lo > hi || lo < Byte.MIN_VALUE || hi > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("requantizer: output range [" + lo + ", " + hi
                    + "] is not allowed (within [-128, 127], lo <= hi)");
        }
        this.multipliers = multipliers.clone();
        this.zeroPoint = zeroPoint;
        this.lo = lo;
        this.hi = hi;
        this.rounding = rounding;
    }

    /**
     * Requantizer for a Conv/Gemm: {@code M_c = s_x * s_w[c] / s_y}, output zero point and range,
     * narrowed by {@code activation}.
     */
    public static Requantizer forLayer(double inputScale, double[] weightScales, double outputScale,
                                       int outputZeroPoint, int qmin, int qmax, FusedActivation activation) {
        int[] range = activation.clampRange(outputScale, outputZeroPoint, qmin, qmax);
        return new Requantizer(FixedPointMultiplier.forScales(inputScale, weightScales, outputScale),
                outputZeroPoint, range[0], range[1]);
    }

    /** Requantizes one value of channel {@code c}. */
    public int apply(int acc, int channel) {
        int y = rounding.multiply(acc, multipliers[channel]) + zeroPoint;
        return Math.max(lo, Math.min(hi, y));
    }

    /**
     * Requantizes {@code acc} laid out with the channel index {@code (i / inner) % channels}
     * (NCHW: inner = H*W; [M, N] Gemm outputs: inner = 1). One multiplier applies to all channels.
     */
    public byte[] apply(int[] acc, int inner) {
        if (rounding == RequantRounding.HALF_EVEN) {
            return applyHalfEven(acc, inner);
        }
        byte[] out = new byte[acc.length];
        int channels = multipliers.length;
        if (channels == 1) {
            FixedPointMultiplier m = multipliers[0];
            for (int i = 0; i < acc.length; i++) {
                out[i] = (byte) clamp(FixedPoint.multiply(acc[i], m) + zeroPoint);
            }
            return out;
        }
        for (int base = 0, c = 0; base < acc.length; base += inner, c = c + 1 == channels ? 0 : c + 1) {
            FixedPointMultiplier m = multipliers[c];
            int end = Math.min(acc.length, base + inner);
            for (int i = base; i < end; i++) {
                out[i] = (byte) clamp(FixedPoint.multiply(acc[i], m) + zeroPoint);
            }
        }
        return out;
    }

    /** {@link #apply(int[], int)} with {@link FixedPoint#multiplyRoundHalfEven}, inlined for speed. */
    private byte[] applyHalfEven(int[] acc, int inner) {
        byte[] out = new byte[acc.length];
        int channels = multipliers.length;
        int step = channels == 1 ? Math.max(1, acc.length) : inner;
        for (int base = 0, c = 0; base < acc.length; base += step, c = c + 1 == channels ? 0 : c + 1) {
            FixedPointMultiplier m = multipliers[c];
            int end = Math.min(acc.length, base + step);
            if (m.m0() == 0) {
                for (int i = base; i < end; i++) {
                    out[i] = (byte) clamp(zeroPoint);
                }
                continue;
            }
            long m0 = m.m0();
            int t = 31 + m.shift();
            long half = 1L << (t - 1);
            for (int i = base; i < end; i++) {
                long p = acc[i] * m0;
                long q = p >> t;
                long r = p - (q << t);
                if (r > half || (r == half && (q & 1) != 0)) {
                    q++;
                }
                // |q| <= 2^31 * 2^30 / 2^1: clamp in long before adding the zero point
                long y = Math.max(-(1L << 40), Math.min(1L << 40, q)) + zeroPoint;
                out[i] = (byte) (y < lo ? lo : Math.min(y, hi));
            }
        }
        return out;
    }

    public RequantRounding rounding() {
        return rounding;
    }

    private int clamp(int y) {
        return y < lo ? lo : Math.min(y, hi);
    }

    /** Requantizes an INT32 tensor whose channel axis is {@code axis}; returns INT8 of the same shape. */
    public INDArray apply(INDArray acc, int axis) {
        if (acc.dataType() != DataType.INT32) {
            throw new IllegalArgumentException("requantize: accumulator type " + acc.dataType() + " is not allowed (INT32)");
        }
        if (multipliers.length != 1 && acc.size(axis) != multipliers.length) {
            throw new IllegalArgumentException("requantize: " + multipliers.length + " multipliers for "
                    + acc.size(axis) + " channels on axis " + axis);
        }
        long inner = 1;
        for (int d = axis + 1; d < acc.rank(); d++) {
            inner *= acc.size(d);
        }
        return Int8Arrays.int8(apply(Int8Arrays.ints(acc), (int) inner), acc.shape());
    }

    public int zeroPoint() {
        return zeroPoint;
    }

    public int lo() {
        return lo;
    }

    public int hi() {
        return hi;
    }

    public FixedPointMultiplier multiplier(int channel) {
        return multipliers[channel];
    }

    public int channels() {
        return multipliers.length;
    }
}
