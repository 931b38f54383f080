package io.qforge.engine.ops;

import static io.qforge.engine.ops.QuantRole.FLOAT_ISLAND;
import static io.qforge.engine.ops.QuantRole.FLOAT_TAIL;
import static io.qforge.engine.ops.QuantRole.INTEGER;
import static io.qforge.engine.ops.QuantRole.SHARES_INPUT_ENCODING;
import static io.qforge.engine.ops.ShapeRule.one;

import io.qforge.engine.graph.ShapeRules;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every op type the engine keeps in a graph, each whole in one entry: the {@link Op} class (FP32
 * forward and backward), its shape rule ({@link ShapeRules}), its quantization role and the policy
 * line docs/QUANTIZATION-POLICY.md repeats ({@code OpTablePolicyTest} holds the two together).
 * Adding an op is one entry here; an op whose role is {@link QuantRole#SHARES_INPUT_ENCODING},
 * {@link QuantRole#FLOAT_ISLAND} or {@link QuantRole#FLOAT_TAIL} needs nothing else (the integer
 * engine and the exporter run it from its {@link Op}); only a new {@link QuantRole#INTEGER} kernel
 * also needs its integer layer ({@code convert.LayerFactory}, {@code int8.IntSteps},
 * {@code export.QdqGraph}).
 */
public final class OpTable {
    private static final Map<String, OpSpec> OPS = new LinkedHashMap<>();

    static {
        // linear: one integer unit with what follows (QDQ.md)
        add("Conv", ConvOp::new, one(ShapeRules::conv), INTEGER,
                "QLinearConv: int8 weight per output channel, int32 bias; a following BatchNormalization is folded"
                        + " into it and a Relu/Clip becomes a clamp (one unit); a computed weight: float island");
        add("Gemm", GemmOp::new, one(ShapeRules::gemm), INTEGER,
                "QGemm (alpha folded into the weight, beta into the bias); a following Relu/Clip is a clamp;"
                        + " a computed B: float island");
        add("MatMul", MatMulOp::new, one(ShapeRules::matMul), INTEGER,
                "with a 2-D constant weight an integer Gemm (+ a constant bias Add) (QGemm);"
                        + " between two activations a float island");
        // element-wise and pooling integer kernels
        add("Add", AddOp::new, one(ShapeRules::broadcast), INTEGER,
                "QLinearAdd (both inputs rescaled to the output), a following Relu/Clip is a clamp;"
                        + " a constant operand: the bias of a Conv/Gemm/MatMul before it, else a float island");
        add("Mul", MulOp::new, one(ShapeRules::broadcast), INTEGER,
                "QLinearMul; with a constant operand a float island");
        add("Concat", ConcatOp::new, one(ShapeRules::concat), INTEGER,
                "QLinearConcat: a copy where the encodings agree, else each input requantized by a table");
        add("Sigmoid", n -> new SigmoidOp(), one(ShapeRules::same), INTEGER,
                "a 256-entry table quantize(sigmoid(dequantize(q))) (QLinearSigmoid)");
        add("AveragePool", AveragePoolOp::new, one(ShapeRules::pool), INTEGER,
                "int32 window sums requantized (QLinearAveragePool)");
        add("GlobalAveragePool", GlobalAveragePoolOp::new, one(ShapeRules::globalPool), INTEGER,
                "int32 sums requantized (QLinearGlobalAveragePool)");
        // values moved or selected, never computed
        add("MaxPool", MaxPoolOp::new, one(ShapeRules::pool), SHARES_INPUT_ENCODING,
                "the max of integers of one encoding is the integer of the max; ORT drops the Q/DQ around it");
        add("Flatten", FlattenOp::new, one(ShapeRules::flatten), SHARES_INPUT_ENCODING,
                "a reshape of the integers; ORT drops the Q/DQ around it");
        add("Reshape", ReshapeOp::new, one(ShapeRules::reshape), SHARES_INPUT_ENCODING,
                "a reshape of the integers (constant shape); ORT drops the Q/DQ around it");
        add("Identity", n -> new IdentityOp(), one(ShapeRules::same), SHARES_INPUT_ENCODING,
                "the integers themselves");
        add("Dropout", DropoutOp::new, one(ShapeRules::same), SHARES_INPUT_ENCODING,
                "the identity at inference (the mask output may not be used)");
        add("Transpose", TransposeOp::new, TransposeOp::shapes, SHARES_INPUT_ENCODING,
                "a permutation of the integers; ORT drops the Q/DQ around it");
        add("Squeeze", SqueezeOp::new, SqueezeOp::shapes, SHARES_INPUT_ENCODING,
                "a reshape of the integers (constant axes)");
        add("Unsqueeze", UnsqueezeOp::new, UnsqueezeOp::shapes, SHARES_INPUT_ENCODING,
                "a reshape of the integers (constant axes)");
        add("Slice", SliceOp::new, SliceOp::shapes, SHARES_INPUT_ENCODING,
                "a selection of the integers (constant starts, ends, axes, steps)");
        add("Gather", GatherOp::new, GatherOp::shapes, SHARES_INPUT_ENCODING,
                "a selection of the integers (constant indices)");
        add("Split", SplitOp::new, SplitOp::shapes, SHARES_INPUT_ENCODING,
                "a selection of the integers: one integer-engine layer with all its used outputs, each with the"
                        + " input's encoding; exported as DQ -> Split -> one Q per output");
        // float islands and the float tail
        add("Relu", n -> new ReluOp(), one(ShapeRules::same), FLOAT_ISLAND,
                "a clamp fused into the Conv/Gemm/Add/island before it (the output encoding starts at 0);"
                        + " standalone (after a Concat) a float island");
        add("Clip", ClipOp::new, one(ShapeRules::same), FLOAT_ISLAND,
                "with constant bounds a clamp fused into the Conv/Gemm/Add/island before it; standalone a float island");
        add("BatchNormalization", BatchNormOp::new, one(ShapeRules::batchNorm), FLOAT_ISLAND,
                "folded into the Conv before it; standalone (after a Concat: densenet's pre-activation) a float"
                        + " island: a per-channel affine map between encodings has no integer kernel in ONNX Runtime");
        add("Sub", SubOp::new, one(ShapeRules::broadcast), FLOAT_ISLAND,
                "a float island (no integer layer; ORT has no QLinear kernel for it)");
        add("Div", DivOp::new, one(ShapeRules::broadcast), FLOAT_ISLAND,
                "a float island (a quotient has no integer kernel in ORT)");
        add("Neg", n -> new NegOp(), one(ShapeRules::same), FLOAT_ISLAND, "a float island");
        add("HardSigmoid", HardSigmoidOp::new, one(ShapeRules::same), FLOAT_ISLAND,
                "a float island (ORT runs it in float between DQ and Q); a 256-entry table could make it integer");
        add("HardSwish", n -> new HardSwishOp(), one(ShapeRules::same), FLOAT_ISLAND,
                "a float island (ORT runs it in float between DQ and Q); a 256-entry table could make it integer", 14);
        add("ReduceMean", ReduceOp::new, ReduceOp::shapes, FLOAT_ISLAND,
                "a float island (the mean over the spatial axes imports as GlobalAveragePool, an integer kernel)");
        add("ReduceSum", ReduceOp::new, ReduceOp::shapes, FLOAT_ISLAND, "a float island");
        add("Pad", PadOp::new, PadOp::shapes, FLOAT_ISLAND,
                "a float island: a constant pad value need not lie on the encoding's grid (a zero Pad before a"
                        + " Conv or an AveragePool is folded into its pads at import)");
        add("Softmax", SoftmaxOp::new, one(ShapeRules::same), FLOAT_TAIL,
                "float after the last quantized tensor when it produces the graph output (no integer kernel"
                        + " keeps probabilities exact); elsewhere a float island");
    }

    private OpTable() {
    }

    private static void add(String type, OpFactory factory, ShapeRule shape, QuantRole role, String policy) {
        add(type, factory, shape, role, policy, 1);
    }

    private static void add(String type, OpFactory factory, ShapeRule shape, QuantRole role, String policy,
                            int since) {
        if (OPS.put(type, new OpSpec(type, factory, shape, role, policy, since)) != null) {
            throw new IllegalStateException("op type " + type + " is registered twice");
        }
    }

    /** The entry of {@code opType}, or null when the engine does not keep that op type. */
    public static OpSpec get(String opType) {
        return OPS.get(opType);
    }

    /** Every entry, in table order. */
    public static Map<String, OpSpec> all() {
        return Collections.unmodifiableMap(OPS);
    }

    /** The op types, in table order. */
    public static Set<String> types() {
        return Collections.unmodifiableSet(OPS.keySet());
    }

    /** The role of {@code opType}, or null when it is not in the table. */
    public static QuantRole role(String opType) {
        OpSpec s = OPS.get(opType);
        return s == null ? null : s.role();
    }
}
