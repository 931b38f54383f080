package io.qforge.engine.onnx;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ValueInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.ModelProto;

/**
 * Writes a {@link Graph} as a float ONNX model: opset 13, IR version 7, initializers as raw data
 * with their current values (training updates them in place), graph input and output with the
 * symbolic batch dimension {@code batch}. Attributes the IR holds in their opset-13 meaning are
 * written as they are; import-only attributes with no opset-13 equivalent are dropped. HardSwish
 * (opset 14) is written as {@code X * HardSigmoid(X; alpha 1/6, beta 1/2)}, PyTorch's opset-13 form.
 */
public final class OnnxExporter {

    /** Attributes that are not part of an op's opset-13 schema (defaults checked at import). */
    private static final Map<String, Set<String>> DROPPED = Map.of(
            "BatchNormalization", Set.of("training_mode", "spatial"),
            "Reshape", Set.of("allowzero"),
            "MaxPool", Set.of("storage_order"));

    private OnnxExporter() {
    }

    public static byte[] toBytes(Graph g) {
        return toBytes(g, ExportOptions.DEFAULT);
    }

    public static byte[] toBytes(Graph g, ExportOptions options) {
        return toModel(g, options).toByteArray();
    }

    public static ModelProto toModel(Graph g, ExportOptions options) {
        return builder(g, options).build();
    }

    /**
     * A builder holding the graph's inputs, initializers, nodes and outputs, ready to build; a
     * caller may add more before building.
     */
    public static OnnxModelBuilder builder(Graph g, ExportOptions options) {
        OnnxModelBuilder b = new OnnxModelBuilder(g.name()).options(options);
        for (ValueInfo in : g.inputs()) {
            b.input(in);
        }
        g.initializers().forEach(b::initializer);
        g.shapes().keySet().forEach(b::reserve);
        for (Node n : g.nodes()) {
            if (n.opType().equals("HardSwish")) { // opset 14: written as x * HardSigmoid(x; 1/6, 1/2)
                String h = b.uniqueName(n.output(0) + "/hardsigmoid");
                b.node(n.name() + "/hardsigmoid", "HardSigmoid", List.of(n.input(0)), List.of(h),
                        Map.of("alpha", 1.0 / 6, "beta", 0.5));
                b.node(n.name(), "Mul", List.of(n.input(0), h), n.outputs(), Map.of());
                continue;
            }
            b.node(forOpset13(n));
        }
        for (ValueInfo out : g.outputs()) {
            b.output(out);
        }
        return b;
    }

    /** The node with only the attributes its opset-13 schema knows. */
    public static Node forOpset13(Node n) {
        Set<String> drop = DROPPED.get(n.opType());
        if (drop == null) {
            return n;
        }
        Map<String, Object> a = new HashMap<>(n.attributes());
        a.keySet().removeAll(drop);
        return new Node(n.name(), n.opType(), n.inputs(), n.outputs(), a);
    }
}
