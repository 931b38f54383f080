package io.qforge.engine.quant;

import java.util.Arrays;

/**
 * One tensor's encoding: {@code real = scale * (q - zeroPoint)}, {@code q} in {@code [qmin, qmax]}.
 * Per tensor ({@code axis == -1}, one scale and zero point) or per channel along {@code axis}
 * (one scale and zero point per index of that axis). Immutable; the arrays are copied in and out.
 *
 * @param scales     positive, finite; length 1 per tensor, else one per channel
 * @param zeroPoints integers in {@code [qmin, qmax]}, same length as {@code scales}
 * @param axis       -1 per tensor, else the channel axis (non-negative)
 * @param range      the integer range
 * @param bits       bit width (2..8)
 * @param symmetry   symmetric (zero points all 0, narrow range) or asymmetric
 */
public record QuantParams(double[] scales, int[] zeroPoints, int axis, IntRange range, int bits,
                          Symmetry symmetry) {

    public static final int PER_TENSOR_AXIS = -1;

    public QuantParams {
        if (scales == null || zeroPoints == null || range == null || symmetry == null) {
            throw new IllegalArgumentException("quant params: scales, zeroPoints, range and symmetry are required");
        }
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("quant params: " + scales.length + " scales and "
                    + zeroPoints.length + " zero points (need the same non-zero count)");
        }
        if (axis < PER_TENSOR_AXIS) {
            throw new IllegalArgumentException("quant params: axis " + axis + " is not allowed (-1 or >= 0)");
        }
        if (axis == PER_TENSOR_AXIS && scales.length != 1) {
            throw new IllegalArgumentException("quant params: per-tensor params need 1 scale, got " + scales.length);
        }
        for (int i = 0; i < scales.length; i++) {
            if (!(scales[i] > 0) || Double.isInfinite(scales[i])) {
                throw new IllegalArgumentException("quant params: scale[" + i + "] = " + scales[i]
                        + " is not allowed (positive and finite)");
            }
            if (zeroPoints[i] < range.qmin() || zeroPoints[i] > range.qmax()) {
                throw new IllegalArgumentException("quant params: zeroPoint[" + i + "] = " + zeroPoints[i]
                        + " is not allowed ([" + range.qmin() + ", " + range.qmax() + "])");
            }
            if (symmetry == Symmetry.SYMMETRIC && zeroPoints[i] != 0) {
                throw new IllegalArgumentException("quant params: zeroPoint[" + i + "] = " + zeroPoints[i]
                        + " is not allowed for symmetric params (0)");
            }
        }
    }

    /** Per-tensor params. */
    public static QuantParams perTensor(double scale, int zeroPoint, int bits, Symmetry symmetry) {
        return new QuantParams(new double[] {scale}, new int[] {zeroPoint}, PER_TENSOR_AXIS,
                IntRange.of(bits, symmetry), bits, symmetry);
    }

    /** Per-channel params along {@code axis}. */
    public static QuantParams perChannel(double[] scales, int[] zeroPoints, int axis, int bits, Symmetry symmetry) {
        if (axis < 0) {
            throw new IllegalArgumentException("quant params: per-channel axis " + axis + " is not allowed (>= 0)");
        }
        return new QuantParams(scales, zeroPoints, axis, IntRange.of(bits, symmetry), bits, symmetry);
    }

    @Override
    public double[] scales() {
        return scales.clone();
    }

    @Override
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    public Granularity granularity() {
        return axis == PER_TENSOR_AXIS ? Granularity.PER_TENSOR : Granularity.PER_CHANNEL;
    }

    /** Number of encodings (1 per tensor). */
    public int channels() {
        return scales.length;
    }

    public double scale(int channel) {
        return scales[channel];
    }

    public int zeroPoint(int channel) {
        return zeroPoints[channel];
    }

    public int qmin() {
        return range.qmin();
    }

    public int qmax() {
        return range.qmax();
    }

    /** Smallest representable real value of a channel: {@code s * (qmin - z)}. */
    public double min(int channel) {
        return scales[channel] * (range.qmin() - zeroPoints[channel]);
    }

    /** Largest representable real value of a channel: {@code s * (qmax - z)}. */
    public double max(int channel) {
        return scales[channel] * (range.qmax() - zeroPoints[channel]);
    }

    /** The same params with other scales (for example learned by LSQ); zero points kept. */
    public QuantParams withScales(double[] newScales) {
        return new QuantParams(newScales, zeroPoints, axis, range, bits, symmetry);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams p && axis == p.axis && bits == p.bits && symmetry == p.symmetry
                && range.equals(p.range) && Arrays.equals(scales, p.scales)
                && Arrays.equals(zeroPoints, p.zeroPoints);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + axis;
    }

    @Override
    public String toString() {
        String s = axis == PER_TENSOR_AXIS ? "per-tensor" : "per-channel(axis " + axis + ")";
        return "QuantParams[" + s + ", int" + bits + " " + symmetry + " [" + range.qmin() + ", " + range.qmax()
                + "], scales=" + abbreviate(Arrays.toString(scales)) + ", zeroPoints="
                + abbreviate(Arrays.toString(zeroPoints)) + "]";
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
