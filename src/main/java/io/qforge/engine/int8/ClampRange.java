package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;

/**
 * A float clip {@code [min, max]} fused into an output quantizer, as an integer clamp. Because
 * {@code rint} is monotone, {@code quantize(clip(v, min, max)) = clamp(quantize(v), lo, hi)} exactly, with
 * <pre>
 * cl = z + rint(min / s),   ch = z + rint(max / s)          (unsaturated; -inf / +inf for no bound)
 * lo = clamp(cl, qmin, qmax),   hi = clamp(ch, qmin, qmax)
 * </pre>
 * (ReLU: {@code lo = max(qmin, z)}; ReLU6: also {@code hi = min(qmax, z + rint(6 / s))}). Clamping
 * {@code cl} and {@code ch} into {@code [qmin, qmax]} keeps the identity when a bound lies outside
 * the representable range (a clip entirely above {@code qmax} makes every output {@code qmax}).
 * {@code [qmin, qmax]} is the b-bit range of the output params, not int8's.
 */
public record ClampRange(int lo, int hi) {

    public ClampRange {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp range: lo " + lo + " > hi " + hi);
        }
    }

    /** No clip: the output params' {@code [qmin, qmax]}. */
    public static ClampRange of(QuantParams out) {
        return new ClampRange(out.qmin(), out.qmax());
    }

    /**
     * @param min lower clip bound (real), {@code -inf} for none
     * @param max upper clip bound (real), {@code +inf} for none
     * @param out per-tensor output params
     */
    public static ClampRange of(double min, double max, QuantParams out) {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp range: clip [" + min + ", " + max
                    + "] is not allowed (min <= max, not NaN)");
        }
        double s = out.scale(0);
        int z = out.zeroPoint(0);
        int lo = saturate(z + Math.rint(min / s), out.qmin(), out.qmax());
        int hi = saturate(z + Math.rint(max / s), out.qmin(), out.qmax());
        return new ClampRange(lo, hi);
    }

    /** The clamp of a {@link FusedActivation}. */
    public static ClampRange of(FusedActivation activation, QuantParams out) {
        int[] r = activation.clampRange(out.scale(0), out.zeroPoint(0), out.qmin(), out.qmax());
        return new ClampRange(r[0], r[1]);
    }

    public int apply(int v) {
        return v < lo ? lo : Math.min(v, hi);
    }

    private static int saturate(double v, int qmin, int qmax) {
        return (int) Math.max(qmin, Math.min(qmax, v)); // handles +-inf
    }
}
