package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An int8 -> int8 map as a 256-entry lookup table ({@code table[q + 128]}), built once. Used for
 * element-wise functions of one quantized input, where the table is exact by construction:
 * <ul>
 * <li>{@link #function}: {@code q_out = quantize(f(dequantize(q_in)))} (Sigmoid), computed in
 *     float64 with round half to even and saturation to the output's b-bit range;</li>
 * <li>{@link #requantize}: {@code q_out = clamp(z_y + round((q_in - z_x) s_x / s_y))} with the
 *     fixed-point multiplier of {@code s_x / s_y} ({@link FixedPoint#multiplyRoundHalfEven}: one
 *     rounding, ties to even) -- integer arithmetic only (Concat inputs, shape-only layers
 *     whose output encoding differs from the input's).</li>
 * </ul>
 * ONNX Runtime's QLinearSigmoid builds its table in float32 and rounds half to even; values whose
 * exact result lies within float32 rounding of a tie can differ by 1 LSB.
 */
public final class Int8Lut {
    private final byte[] table;

    private Int8Lut(byte[] table) {
        this.table = table;
    }

    /** {@code q_out = clamp(rint(f(s_x (q - z_x)) / s_y) + z_y, qmin, qmax)}, in float64. */
    public static Int8Lut function(DoubleUnaryOperator f, QuantParams in, QuantParams out) {
        byte[] t = new byte[256];
        double sx = in.scale(0);
        int zx = in.zeroPoint(0);
        double sy = out.scale(0);
        int zy = out.zeroPoint(0);
        for (int q = -128; q <= 127; q++) {
            double y = Math.rint(f.applyAsDouble(sx * (q - zx)) / sy) + zy;
            t[q + 128] = (byte) Math.max(out.qmin(), Math.min(out.qmax(), y));
        }
        return new Int8Lut(t);
    }

    /** The logistic sigmoid {@code 1 / (1 + e^-x)} between two encodings. */
    public static Int8Lut sigmoid(QuantParams in, QuantParams out) {
        return function(x -> 1.0 / (1.0 + Math.exp(-x)), in, out);
    }

    /**
     * Requantization from {@code in} to {@code out} (integer arithmetic), or null when it is the
     * identity on every value of {@code in}'s range (same scale and zero point, and {@code in}'s
     * range within {@code out}'s).
     */
    public static Int8Lut requantize(QuantParams in, QuantParams out) {
        if (isIdentity(in, out)) {
            return null;
        }
        FixedPointMultiplier m = FixedPointMultiplier.of(in.scale(0) / out.scale(0));
        int zx = in.zeroPoint(0);
        int zy = out.zeroPoint(0);
        byte[] t = new byte[256];
        for (int q = -128; q <= 127; q++) {
            int y = FixedPoint.multiplyRoundHalfEven(q - zx, m) + zy;
            t[q + 128] = (byte) Math.max(out.qmin(), Math.min(out.qmax(), y));
        }
        return new Int8Lut(t);
    }

    static boolean isIdentity(QuantParams in, QuantParams out) {
        return in.scale(0) == out.scale(0) && in.zeroPoint(0) == out.zeroPoint(0) && in.qmin() >= out.qmin()
                && in.qmax() <= out.qmax();
    }

    public int apply(int q) {
        return table[q + 128];
    }

    /** Maps {@code src[from, from + count)} into {@code dst[to, ...)}. */
    void apply(byte[] src, int from, byte[] dst, int to, int count) {
        for (int i = 0; i < count; i++) {
            dst[to + i] = table[src[from + i] + 128];
        }
    }

    /** A new INT8 tensor of {@code x}'s shape. */
    public INDArray forward(INDArray x) {
        byte[] v = Int8Arrays.bytes(x, "int8 lookup table input");
        byte[] out = new byte[v.length];
        apply(v, 0, out, 0, v.length);
        return Int8Arrays.int8(out, x.shape());
    }
}
