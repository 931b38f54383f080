package io.qforge.engine.export;

/**
 * How the exported model restricts an activation to a range that opset-13 QuantizeLinear's int8
 * saturation (int8 [-128, 127], or uint8 [0, 255] shifted) does not give by itself: a fused ReLU/ReLU6 whose bound is not already
 * the saturation bound, and an integer range narrower than int8 (bits < 8, or the narrow symmetric
 * range [-127, 127]).
 *
 * <p>For a monotone quantizer {@code Q}, {@code Q(clip(x, a, b)) = clip(Q(x), Q(a), Q(b))} and
 * {@code clamp(sat8(rint(x/s)+z), qmin, qmax) = clamp(rint(x/s)+z, qmin, qmax)} for
 * {@code [qmin, qmax]} inside int8, so both styles compute exactly the b-bit semantics.
 * When the int8 saturation already implements the whole restriction, both styles write the fused
 * clip as a float Relu / Clip before QuantizeLinear (ONNX Runtime removes it when it fuses).
 */
public enum ClampStyle {
    /**
     * A float Clip before QuantizeLinear to {@code [max(a, s(qmin-z)), min(b, s(qmax-z))]} (a ReLU
     * with no range restriction stays a Relu). The textbook QDQ form, but when that clip is not
     * redundant with the int8 saturation, ONNX Runtime 1.29 cannot fold it and the producing
     * Conv/Gemm/Add stays a float op.
     */
    FLOAT_BEFORE_QUANTIZE,
    /**
     * An integer Clip after QuantizeLinear to {@code [max(qmin, Q(a)), min(qmax, Q(b))]} (min/max
     * initializers of the activation type, {@link ActivationType}). The producing node keeps its
     * integer kernel; the clamp runs as a separate 8-bit Clip.
     */
    INTEGER_AFTER_QUANTIZE
}
