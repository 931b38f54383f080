package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Integer-arithmetic-only inference of an {@link IntModel}. The float world is entered once
 * (QuantizeLinear of the input: {@code q = clamp(rint(x / s) + z, qmin, qmax)}, round half to even,
 * in the input's float type) and left once (dequantize the last INT8 tensor, then the optional
 * float Softmax), except inside float islands. In between, every tensor is INT8 and every other
 * layer integer-only:
 * <ul>
 * <li>Conv / Gemm: int8 x int8 products accumulated in int32 with the int32 bias, requantized per
 *     output channel with {@code M = s_x s_w[c] / s_y} as a Q31 {@code M0} and shift
 *     ({@link Requantizer}); by default one rounding of the exact 64-bit product, ties to even
 *     ({@link RequantRounding#HALF_EVEN}); gemmlowp's two-step rounding on request
 *     ({@link RequantRounding#GEMMLOWP}: 0.1-0.4% of 8-bit and 2-17% of 4-bit outputs off by one
 *     from the correctly rounded value, see there);</li>
 * <li>fused Clip (ReLU, ReLU6, any {@code [min, max]}): an integer clamp ({@link ClampRange});</li>
 * <li>Add: {@code (a - z_a) m_a + (b - z_b) m_b} exactly in 64 bits with Q31-like multipliers, one
 *     rounding half to even ({@link Int8Add}); numpy broadcasting;</li>
 * <li>Mul: {@code (a - z_a)(b - z_b)} in int32 times {@code s_a s_b / s_y} ({@link Int8Mul});</li>
 * <li>Concat: a plain copy when the encodings agree, else a requantization table ({@link Int8Concat});</li>
 * <li>Sigmoid: a 256-entry table per layer, {@code quantize(sigmoid(dequantize(q)))} ({@link Int8Lut});</li>
 * <li>AveragePool (incl. global): int32 window sums times {@code s_x / (s_y count)} ({@link Int8AveragePool});</li>
 * <li>MaxPool, Reshape, Flatten: shape-only, same encoding in and out;</li>
 * <li>a float island (an op without an integer kernel): dequantize its inputs, the FP32 op, quantize
 *     its output ({@link FloatIslandKernel}), as ONNX Runtime runs DequantizeLinear -> op ->
 *     QuantizeLinear.</li>
 * </ul>
 * Sub-8-bit encodings saturate to their own b-bit {@code [qmin, qmax]} everywhere.
 *
 * <p><b>Where exact agreement with ONNX Runtime is impossible.</b> ORT's QLinear kernels
 * (QLinearConv, QLinearMatMul, QLinearAdd/Mul, QLinearAveragePool, QLinearSigmoid) requantize with a
 * float32 multiplier (2^-24 relative error) and round half to even; here the multiplier is a Q31
 * fixed-point number (2^-31). With {@link RequantRounding#HALF_EVEN} both round the same rule, so
 * they can differ by 1 LSB only where {@code acc * M} lies within those multiplier errors of a tie.
 * Further 1 LSB differences on (near-)ties, by design: {@link Int8Add} (ORT's QLinearAdd computes
 * in float32), {@link Int8AveragePool} (one rounding, ties away from zero, where
 * ORT rounds a float average half to even; exact ties occur when {@code s_x / (s_y count)} is a
 * short binary fraction), Sigmoid tables (float64 here, float32 in ORT), and
 * {@link RequantRounding#GEMMLOWP} when chosen. A 1 LSB difference in an early layer propagates:
 * later layers then see slightly different inputs, so end-to-end exact agreement is lower than
 * per-layer agreement (measured in IntExecutorTest).
 *
 * <p>Immutable after construction and safe to share between threads.
 */
public final class IntExecutor {
    /** Default number of samples run at once by {@link #run} and {@link #quantizedOutput} (bounds memory). */
    public static final int DEFAULT_BATCH_CHUNK = 256;

    private final IntModel model;
    private final List<IntStep> steps;
    private final QuantParams inputParams;
    private final QuantParams outputParams;
    private final int batchChunk;
    private volatile java.util.Map<String, Long> profile;

    /** {@link RequantRounding#HALF_EVEN} requantization, {@link #DEFAULT_BATCH_CHUNK}. */
    public IntExecutor(IntModel model) {
        this(model, RequantRounding.HALF_EVEN, DEFAULT_BATCH_CHUNK);
    }

    /**
     * @param rounding   Conv/Gemm requantization rounding: {@link RequantRounding#HALF_EVEN} (default;
     *                   agrees with QDQ / ONNX Runtime) or {@link RequantRounding#GEMMLOWP} (TFLite bit-exact)
     * @param batchChunk samples per pass in {@link #run} / {@link #quantizedOutput} (>= 1)
     */
    public IntExecutor(IntModel model, RequantRounding rounding, int batchChunk) {
        if (batchChunk < 1) {
            throw new IllegalArgumentException("int executor: batchChunk " + batchChunk + " is not allowed (>= 1)");
        }
        this.model = model;
        this.batchChunk = batchChunk;
        checkEncodings(model);
        checkOrder(model);
        IntSteps factory = new IntSteps(model, rounding);
        List<IntStep> s = new ArrayList<>();
        for (IntLayer l : model.layers()) {
            s.add(factory.step(l));
        }
        this.steps = List.copyOf(s);
        this.inputParams = model.encoding(model.input());
        this.outputParams = model.encoding(model.quantizedOutput());
    }

    /**
     * Starts accumulating wall time (ns) per layer type into {@code sink}; null stops. For benchmarks
     * and diagnosis only (not thread-safe: one caller at a time).
     */
    public void profileInto(java.util.Map<String, Long> sink) {
        this.profile = sink;
    }

    public IntModel model() {
        return model;
    }

    /**
     * The model's float output for a float input (FLOAT or DOUBLE, shape {@code inputShape} with any
     * batch): quantize, integer layers, dequantize (FLOAT), then Softmax when the model has one.
     */
    public INDArray run(INDArray floatInput) {
        INDArray y = QuantPrimitives.dequantize(quantizedOutput(floatInput), outputParams, DataType.FLOAT);
        return model.softmaxAxis() >= 0 ? FloatSoftmax.softmax(y, model.softmaxAxis()) : y;
    }

    /** The INT8 output tensor ({@link IntModel#quantizedOutput()}) for a float input. */
    public INDArray quantizedOutput(INDArray floatInput) {
        checkInput(floatInput);
        long n = floatInput.size(0);
        if (n <= batchChunk) {
            return forward(quantizeInput(floatInput)).get(model.quantizedOutput());
        }
        List<INDArray> parts = new ArrayList<>();
        for (long start = 0; start < n; start += batchChunk) {
            INDArray chunk = floatInput.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start,
                    Math.min(n, start + batchChunk)));
            parts.add(forward(quantizeInput(chunk)).get(model.quantizedOutput()));
        }
        return Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }

    /**
     * Every INT8 tensor for a float input, by name, in execution order: the quantized input first,
     * then each layer's output (for per-layer error reports and agreement tests). The whole batch is
     * run at once.
     */
    public Map<String, INDArray> runAll(INDArray floatInput) {
        checkInput(floatInput);
        return Collections.unmodifiableMap(forward(quantizeInput(floatInput)));
    }

    /** Runs the prepared layers from an already quantized INT8 input. */
    public Map<String, INDArray> runQuantized(INDArray int8Input) {
        if (int8Input.dataType() != DataType.INT8) {
            throw new IllegalArgumentException("int executor: model '" + model.name() + "' quantized input type "
                    + int8Input.dataType() + " is not allowed (INT8)");
        }
        return Collections.unmodifiableMap(forward(int8Input));
    }

    /** The model input quantized with its encoding (the only float-to-integer step). */
    public INDArray quantizeInput(INDArray floatInput) {
        return QuantPrimitives.quantize(floatInput, inputParams);
    }

    private Map<String, INDArray> forward(INDArray q) {
        Map<String, INDArray> v = new LinkedHashMap<>();
        v.put(model.input(), q);
        for (IntStep s : steps) {
            INDArray[] in = new INDArray[s.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = v.get(s.inputs().get(i));
            }
            INDArray[] out;
            long t0 = profile == null ? 0 : System.nanoTime();
            try {
                out = s.kernel().apply(in);
                if (profile != null) {
                    profile.merge(s.type(), System.nanoTime() - t0, Long::sum);
                }
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IllegalArgumentException("int executor: model '" + model.name() + "', layer '" + s.name()
                        + "' (" + s.type() + "): " + e.getMessage(), e);
            }
            for (int o = 0; o < out.length; o++) {
                v.put(s.outputs().get(o), out[o]);
            }
        }
        return v;
    }

    private void checkInput(INDArray x) {
        DataType t = x.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException("int executor: model '" + model.name() + "' input type " + t
                    + " is not allowed (FLOAT or DOUBLE)");
        }
        long[] want = model.inputShape();
        long[] got = x.shape();
        boolean ok = got.length == want.length;
        for (int d = 1; ok && d < want.length; d++) {
            ok = want[d] < 0 || want[d] == got[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("int executor: model '" + model.name() + "' input '" + model.input()
                    + "' shape " + Arrays.toString(got) + " is not allowed (" + Arrays.toString(want)
                    + ", -1 = any)");
        }
    }

    private static void checkEncodings(IntModel m) {
        for (Map.Entry<String, QuantParams> e : m.activations().entrySet()) {
            if (e.getValue().channels() != 1) {
                throw new IllegalArgumentException("int executor: model '" + m.name() + "' tensor '" + e.getKey()
                        + "' has per-channel activation params " + e.getValue() + " (per tensor only)");
            }
        }
    }

    /** Every layer input is the model input or an earlier layer's output; the quantized output is produced. */
    private static void checkOrder(IntModel m) {
        Set<String> known = new HashSet<>();
        known.add(m.input());
        for (IntLayer l : m.layers()) {
            for (String in : l.inputs()) {
                if (!known.contains(in)) {
                    throw new IllegalArgumentException("int executor: model '" + m.name() + "' layer '" + l.name()
                            + "' reads '" + in + "', which is not the input or an earlier layer's output");
                }
            }
            known.addAll(l.outputs());
        }
        if (!known.contains(m.quantizedOutput())) {
            throw new IllegalArgumentException("int executor: model '" + m.name() + "' quantized output '"
                    + m.quantizedOutput() + "' is produced by no layer");
        }
    }
}
