package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ONNX op types the engine can run and train, and the {@link Op} built for each.
 * Construction validates the node's attributes; shape checks happen at the first forward.
 */
public final class OpRegistry {
    private static final Map<String, OpFactory> FACTORIES;

    static {
        Map<String, OpFactory> m = new TreeMap<>();
        m.put("Conv", ConvOp::new);
        m.put("Gemm", GemmOp::new);
        m.put("MatMul", MatMulOp::new);
        m.put("Add", AddOp::new);
        m.put("Mul", MulOp::new);
        m.put("Relu", n -> new ReluOp());
        m.put("Clip", ClipOp::new);
        m.put("Sigmoid", n -> new SigmoidOp());
        m.put("BatchNormalization", BatchNormOp::new);
        m.put("MaxPool", MaxPoolOp::new);
        m.put("AveragePool", AveragePoolOp::new);
        m.put("GlobalAveragePool", GlobalAveragePoolOp::new);
        m.put("Flatten", FlattenOp::new);
        m.put("Reshape", ReshapeOp::new);
        m.put("Identity", n -> new IdentityOp());
        m.put("Dropout", DropoutOp::new);
        m.put("Softmax", SoftmaxOp::new);
        m.put("Concat", ConcatOp::new);
        m.put("Sub", SubOp::new);
        m.put("Div", DivOp::new);
        m.put("Neg", n -> new NegOp());
        m.put("HardSigmoid", HardSigmoidOp::new);
        m.put("HardSwish", n -> new HardSwishOp());
        m.put("Transpose", TransposeOp::new);
        m.put("Squeeze", SqueezeOp::new);
        m.put("Unsqueeze", UnsqueezeOp::new);
        m.put("Split", SplitOp::new);
        m.put("Slice", SliceOp::new);
        m.put("Gather", GatherOp::new);
        m.put("ReduceMean", ReduceOp::new);
        m.put("ReduceSum", ReduceOp::new);
        m.put("Pad", PadOp::new);
        FACTORIES = Collections.unmodifiableMap(m);
    }

    private OpRegistry() {
    }

    /**
     * Builds the op for {@code node}.
     *
     * @throws IllegalArgumentException naming the node when its op type is not supported or an
     *                                  attribute is invalid or unsupported
     */
    public static Op create(Node node) {
        OpFactory f = FACTORIES.get(node.opType());
        if (f == null) {
            throw new IllegalArgumentException("node '" + node.name() + "': op type '" + node.opType()
                    + "' is not supported; supported: " + FACTORIES.keySet());
        }
        return f.create(node);
    }

    /** The supported ONNX op types (default domain), sorted. */
    public static Set<String> supportedOpTypes() {
        return FACTORIES.keySet();
    }

    /** This registry as an {@link OpFactory}. */
    public static OpFactory factory() {
        return OpRegistry::create;
    }
}
