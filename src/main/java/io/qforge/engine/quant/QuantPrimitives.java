package io.qforge.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Affine quantization as small pure functions (QAT-MATH.md). Chosen scales are float32 values
 * (stored as doubles). {@code rint} is round half to even,
 * as ONNX QuantizeLinear does (ND4J's {@code rint} op; {@code Transforms.round} rounds half away
 * from zero and is not used). Tensor functions run on ND4J kernels (broadcast along the channel
 * axis), for FLOAT and DOUBLE inputs; the arithmetic is done in the input's type, so a FLOAT input
 * sees float32 scales exactly like ONNX Runtime does with the exported float32 scales.
 */
public final class QuantPrimitives {

    /** Scale used for a channel whose range is exactly zero (any scale represents it exactly). */
    public static final double ZERO_RANGE_SCALE = 1.0;
    /** Smallest scale chosen for a non-zero range (keeps bias scales {@code s_x * s_w} representable). */
    public static final double MIN_SCALE = 1e-12;

    private QuantPrimitives() {
    }

    // ---------------------------------------------------------------- choosing params

    /**
     * Symmetric params, narrow range: {@code qmax = 2^(b-1) - 1}, {@code qmin = -qmax}, {@code z = 0},
     * {@code s_c = max(|min_c|, |max_c|) / qmax}; a channel with {@code max|x| = 0} gets
     * {@link #ZERO_RANGE_SCALE}, a tiny one at least {@link #MIN_SCALE}.
     *
     * @param axis -1 for per tensor (arrays of length 1), else the channel axis
     */
    public static QuantParams chooseSymmetric(double[] min, double[] max, int bits, int axis) {
        checkMinMax(min, max, axis);
        IntRange range = IntRange.of(bits, Symmetry.SYMMETRIC);
        double[] scales = new double[min.length];
        for (int c = 0; c < scales.length; c++) {
            double absMax = Math.max(Math.abs(min[c]), Math.abs(max[c]));
            scales[c] = toFloat32(absMax == 0 ? ZERO_RANGE_SCALE : Math.max(absMax / range.qmax(), MIN_SCALE));
        }
        return new QuantParams(scales, new int[scales.length], axis, range, bits, Symmetry.SYMMETRIC);
    }

    /** Per-tensor {@link #chooseSymmetric(double[], double[], int, int)}. */
    public static QuantParams chooseSymmetric(double min, double max, int bits) {
        return chooseSymmetric(new double[] {min}, new double[] {max}, bits, QuantParams.PER_TENSOR_AXIS);
    }

    /**
     * Asymmetric params, full range {@code [-2^(b-1), 2^(b-1)-1]}: the range is first widened to
     * include 0 ({@code min <= 0 <= max}, so real zero is exact), then
     * {@code s = (max - min) / (qmax - qmin)}, {@code z = clamp(rint(qmin - min / s), qmin, qmax)}.
     * An all-zero range gets {@code s = }{@link #ZERO_RANGE_SCALE}, {@code z = qmin}.
     */
    public static QuantParams chooseAsymmetric(double[] min, double[] max, int bits, int axis) {
        checkMinMax(min, max, axis);
        IntRange range = IntRange.of(bits, Symmetry.ASYMMETRIC);
        double[] scales = new double[min.length];
        int[] zps = new int[min.length];
        for (int c = 0; c < scales.length; c++) {
            double lo = Math.min(min[c], 0.0);
            double hi = Math.max(max[c], 0.0);
            double s = toFloat32(hi == lo ? ZERO_RANGE_SCALE : Math.max((hi - lo) / range.span(), MIN_SCALE));
            scales[c] = s;
            zps[c] = (int) clamp(Math.rint(range.qmin() - lo / s), range.qmin(), range.qmax());
        }
        return new QuantParams(scales, zps, axis, range, bits, Symmetry.ASYMMETRIC);
    }

    /** Per-tensor {@link #chooseAsymmetric(double[], double[], int, int)}. */
    public static QuantParams chooseAsymmetric(double min, double max, int bits) {
        return chooseAsymmetric(new double[] {min}, new double[] {max}, bits, QuantParams.PER_TENSOR_AXIS);
    }

    /** Dispatches on {@code symmetry}. */
    public static QuantParams choose(double[] min, double[] max, int bits, Symmetry symmetry, int axis) {
        return symmetry == Symmetry.SYMMETRIC ? chooseSymmetric(min, max, bits, axis)
                : chooseAsymmetric(min, max, bits, axis);
    }

    // ---------------------------------------------------------------- tensors

    /** {@code q = clamp(rint(x / s) + z, qmin, qmax)} as an INT8 tensor of {@code x}'s shape. */
    public static INDArray quantize(INDArray x, QuantParams p) {
        return quantizeToGrid(x, p, false).q.castTo(DataType.INT8);
    }

    /** {@code x = s * (q - z)} in {@code type} (FLOAT or DOUBLE) from an integer tensor {@code q}. */
    public static INDArray dequantize(INDArray q, QuantParams p, DataType type) {
        int axis = p.axis() < 0 ? -1 : AxisOps.checkAxis(q, p.axis(), p.channels(), "dequantize");
        INDArray x = q.castTo(type);
        if (x == q) {
            x = q.dup();
        }
        AxisOps.subi(x, p.zeroPoints(), axis);
        return AxisOps.muli(x, p.scales(), axis);
    }

    /** {@code x_hat = s * (clamp(rint(x / s) + z, qmin, qmax) - z)} in {@code x}'s type. */
    public static INDArray fakeQuantize(INDArray x, QuantParams p) {
        return fakeQuantizeWithMask(x, p).output();
    }

    /**
     * Fake quantization and its straight-through mask: {@code inside = 1} where
     * {@code qmin <= rint(x / s) + z <= qmax} (the value was not clipped), else 0; same type as x.
     */
    public static FakeQuantResult fakeQuantizeWithMask(INDArray x, QuantParams p) {
        if (FakeQuantKernels.plain(x)) {
            int axis = p.axis() < 0 ? -1 : AxisOps.checkAxis(x, p.axis(), p.channels(), "quantize");
            return FakeQuantKernels.fakeQuantizeWithMask(x, p, axis);
        }
        if (FakeQuantKernels.plain64(x)) {
            int axis = p.axis() < 0 ? -1 : AxisOps.checkAxis(x, p.axis(), p.channels(), "quantize");
            return FakeQuantKernels.fakeQuantizeWithMask64(x, p, axis);
        }
        return fakeQuantizeWithMaskNd4j(x, p);
    }

    /** The ND4J-kernel path of {@link #fakeQuantizeWithMask} (non-plain arrays; the fused paths' reference). */
    static FakeQuantResult fakeQuantizeWithMaskNd4j(INDArray x, QuantParams p) {
        Grid g = quantizeToGrid(x, p, true);
        AxisOps.subi(g.q, p.zeroPoints(), g.axis);
        AxisOps.muli(g.q, p.scales(), g.axis);
        return new FakeQuantResult(g.q, g.inside);
    }

    /**
     * Int32 bias for a quantized Conv/Gemm: {@code q_bias[c] = rint(bias[c] / (s_x * s_w[c]))},
     * zero point 0, saturated to the int32 range. {@code weightScales} has length 1 (per tensor) or
     * one entry per output channel.
     */
    public static INDArray quantizeBias(INDArray bias, double inputScale, double[] weightScales) {
        double[] b = bias.castTo(DataType.DOUBLE).data().asDouble();
        if (weightScales.length != 1 && weightScales.length != b.length) {
            throw new IllegalArgumentException("quantizeBias: " + weightScales.length + " weight scales for "
                    + b.length + " bias values (need 1 or " + b.length + ")");
        }
        int[] q = new int[b.length];
        for (int c = 0; c < b.length; c++) {
            double s = inputScale * weightScales[weightScales.length == 1 ? 0 : c];
            q[c] = (int) clamp(Math.rint(b[c] / s), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        return Nd4j.createFromArray(q);
    }

    /** Result of {@link #fakeQuantizeWithMask}: the fake-quantized tensor and the 0/1 STE mask. */
    public record FakeQuantResult(INDArray output, INDArray inside) {
    }

    // ---------------------------------------------------------------- internals

    private record Grid(INDArray q, INDArray inside, int axis) {
    }

    /** {@code q = clamp(rint(x/s) + z)} in x's float type, optionally with the not-clipped mask. */
    private static Grid quantizeToGrid(INDArray x, QuantParams p, boolean withMask) {
        DataType t = x.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException("quantize: input type " + t + " is not allowed (FLOAT or DOUBLE)");
        }
        int axis = p.axis() < 0 ? -1 : AxisOps.checkAxis(x, p.axis(), p.channels(), "quantize");
        INDArray r = AxisOps.div(x, p.scales(), axis);
        Nd4j.exec(new Rint(r, r));
        AxisOps.addi(r, p.zeroPoints(), axis);
        INDArray q = Transforms.min(Transforms.max(r, p.qmin(), true), p.qmax(), false);
        INDArray inside = withMask ? q.eq(r).castTo(t) : null;
        return new Grid(q, inside, axis);
    }

    /**
     * Chosen scales are rounded to float32 (the type ONNX stores them in), so the simulation, the
     * integer engine and the exported model all use the same value and the zero point is computed
     * from it.
     */
    static double toFloat32(double s) {
        return (float) s;
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static void checkMinMax(double[] min, double[] max, int axis) {
        if (min.length != max.length || min.length == 0) {
            throw new IllegalArgumentException("choose params: " + min.length + " minima and " + max.length
                    + " maxima (need the same non-zero count)");
        }
        for (int c = 0; c < min.length; c++) {
            if (!Double.isFinite(min[c]) || !Double.isFinite(max[c]) || min[c] > max[c]) {
                throw new IllegalArgumentException("choose params: channel " + c + " range [" + min[c] + ", "
                        + max[c] + "] is not allowed (finite, min <= max)");
            }
        }
        if (axis < 0 && min.length != 1) {
            throw new IllegalArgumentException("choose params: per-tensor needs 1 range, got " + min.length);
        }
    }
}
