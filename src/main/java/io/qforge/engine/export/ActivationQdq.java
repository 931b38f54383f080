package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.onnx.OnnxModelBuilder;
import io.qforge.engine.quant.QuantParams;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the QuantizeLinear / DequantizeLinear pairs of activation tensors: exactly one
 * QuantizeLinear per tensor (plus the clamp of {@link ClampStyle} when needed) and one
 * DequantizeLinear per consumer, all with constant scalar float32 scales and 8-bit zero points of
 * the {@link ActivationType} (initializers shared between equal encodings, so shape-only ops see
 * identical values on both sides).
 *
 * <p>8-bit quantization in opset 13 saturates to the container: {@code q = sat(rint(x / s) + z)}
 * over [-128, 127] (int8) or, equivalently after the shift of {@link ActivationType#UINT8}, over
 * [0, 255]. The arithmetic here is on signed values. An encoding with {@code [qmin, qmax]} narrower
 * than [-128, 127] (b < 8 bits, or the narrow symmetric range) and a fused clip are restricted
 * further as {@link ClampStyle} says, so the exported model computes
 * {@code clamp(rint(clip(x) / s) + z, qmin, qmax)}, the b-bit semantics.
 */
final class ActivationQdq {

    private static final int INT8_MIN = -128;
    private static final int INT8_MAX = 127;

    private final OnnxModelBuilder b;
    private final IntModel model;
    private final ClampStyle style;
    private final ActivationType type;
    private final Map<String, String> quantized = new HashMap<>();
    private final Map<String, String> constants = new HashMap<>();

    ActivationQdq(OnnxModelBuilder b, IntModel model, ClampStyle style, ActivationType type) {
        this.b = b;
        this.model = model;
        this.style = style;
        this.type = type;
    }

    /** The encoding of an activation tensor, checked to fit an 8-bit opset-13 QuantizeLinear. */
    QuantParams encoding(String tensor) {
        QuantParams p = model.encoding(tensor);
        if (p.channels() != 1) {
            throw new IllegalArgumentException("activation '" + tensor + "': " + p
                    + " is not allowed (activations are quantized per tensor)");
        }
        if (p.qmin() < INT8_MIN || p.qmax() > INT8_MAX) {
            throw new IllegalArgumentException("activation '" + tensor + "': integer range [" + p.qmin() + ", "
                    + p.qmax() + "] is not allowed (within int8 [-128, 127])");
        }
        return p;
    }

    /**
     * Quantizes the float tensor {@code floatName} with the encoding of {@code tensor}, applying
     * the fused {@code clip} first; afterwards {@link #dequantize(String)} of {@code tensor} reads it.
     */
    void quantize(String tensor, String floatName, IntLayer.Clip clip) {
        quantize(tensor, floatName, clip, false);
    }

    /**
     * As {@link #quantize(String, String, IntLayer.Clip)}; {@code valuesInRange} says that every
     * value is already one of the encoding's representable values (the output of a max pool,
     * reshape or flatten of a tensor with the same encoding), so no range clamp is needed.
     */
    void quantize(String tensor, String floatName, IntLayer.Clip clip, boolean valuesInRange) {
        if (quantized.containsKey(tensor)) {
            throw new IllegalArgumentException("tensor '" + tensor + "' is produced twice");
        }
        QuantParams p = encoding(tensor);
        float s = (float) p.scale(0);
        int z = p.zeroPoint(0);
        int lo = Math.max(p.qmin(), quantize8(clip.min(), s, z));
        int hi = Math.min(p.qmax(), quantize8(clip.max(), s, z));
        if (lo > hi) {
            throw new IllegalArgumentException("activation '" + tensor + "': the clip [" + clip.min() + ", "
                    + clip.max() + "] does not intersect the representable range [" + p.min(0) + ", " + p.max(0) + "]");
        }
        boolean saturationSuffices = lo == INT8_MIN && hi == INT8_MAX || valuesInRange && clip.isNone();
        String x = floatName;
        if (saturationSuffices) {
            x = clip.isNone() ? x : floatClip(x, clip.min(), clip.max());
        } else if (style == ClampStyle.FLOAT_BEFORE_QUANTIZE) {
            boolean rangeIsInt8 = p.qmin() == INT8_MIN && p.qmax() == INT8_MAX;
            double a = rangeIsInt8 ? clip.min() : Math.max(clip.min(), s * (double) (p.qmin() - z));
            double c = rangeIsInt8 ? clip.max() : Math.min(clip.max(), s * (double) (p.qmax() - z));
            x = floatClip(x, a, c);
        }
        String q = b.uniqueName(tensor + "_quantized");
        b.node(b.uniqueName(tensor + "_QuantizeLinear"), "QuantizeLinear", List.of(x, scale(s), zeroPoint(z)),
                List.of(q), Map.of());
        if (!saturationSuffices && style == ClampStyle.INTEGER_AFTER_QUANTIZE) {
            String clamped = b.uniqueName(tensor + "_quantized_clamped");
            b.node(b.uniqueName(tensor + "_Clip_integer"), "Clip", List.of(q, intConst(lo), intConst(hi)), List.of(clamped),
                    Map.of());
            q = clamped;
        }
        quantized.put(tensor, q);
    }

    /** A new DequantizeLinear of {@code tensor}'s quantized value (one per consumer); returns its float output. */
    String dequantize(String tensor) {
        return dequantize(tensor, b.uniqueName(tensor + "_dequantized"));
    }


    /** As {@link #dequantize(String)}, writing to the float tensor {@code y}. */
    String dequantize(String tensor, String y) {
        String q = quantized.get(tensor);
        if (q == null) {
            throw new IllegalArgumentException("tensor '" + tensor + "' is read before it is produced"
                    + " (layers must be in topological order)");
        }
        QuantParams p = encoding(tensor);
        b.node(b.uniqueName(tensor + "_DequantizeLinear"), "DequantizeLinear",
                List.of(q, scale((float) p.scale(0)), zeroPoint(p.zeroPoint(0))), List.of(y), Map.of());
        return y;
    }

    /** {@code sat8(rint(v / s) + z)} in float32 as ONNX Runtime computes it; infinities saturate. */
    static int quantize8(double v, float s, int z) {
        if (v == Double.POSITIVE_INFINITY) {
            return INT8_MAX;
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return INT8_MIN;
        }
        double q = Math.rint((float) v / s) + z;
        return (int) Math.max(INT8_MIN, Math.min(INT8_MAX, q));
    }

    /** Relu for [0, inf), else Clip with float bounds (an infinite bound is left out). */
    private String floatClip(String x, double min, double max) {
        String y = b.uniqueName(x + "_clipped");
        if (min == 0 && max == Double.POSITIVE_INFINITY) {
            b.node(b.uniqueName(x + "_Relu"), "Relu", List.of(x), List.of(y), Map.of());
        } else {
            String lo = min == Double.NEGATIVE_INFINITY ? "" : floatConst((float) min);
            String hi = max == Double.POSITIVE_INFINITY ? "" : floatConst((float) max);
            b.node(b.uniqueName(x + "_Clip"), "Clip", List.of(x, lo, hi), List.of(y), Map.of());
        }
        return y;
    }

    private String scale(float s) {
        return constants.computeIfAbsent("scale:" + Float.floatToIntBits(s), k -> {
            String n = b.uniqueName("scale_" + s);
            b.initializer(n, Nd4j.scalar(s));
            return n;
        });
    }

    /** The zero point {@code z} (signed) stored in the activation type. */
    private String zeroPoint(int z) {
        int v = type.stored(z);
        return constants.computeIfAbsent("zp:" + v, k -> {
            String n = b.uniqueName("zero_point_" + v);
            b.initializer(n, OnnxModelBuilder.scalar(type.elementType(), v));
            return n;
        });
    }

    /** A Clip bound: the signed integer {@code q} stored in the activation type. */
    private String intConst(int q) {
        int v = type.stored(q);
        return constants.computeIfAbsent("bound:" + v, k -> {
            String n = b.uniqueName("clip_" + type.name().toLowerCase() + "_" + v);
            b.initializer(n, OnnxModelBuilder.scalar(type.elementType(), v));
            return n;
        });
    }

    private String floatConst(float v) {
        return constants.computeIfAbsent("float:" + Float.floatToIntBits(v), k -> {
            String n = b.uniqueName("clip_bound_" + v);
            b.initializer(n, Nd4j.scalar(v));
            return n;
        });
    }
}
