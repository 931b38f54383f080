package io.qforge.engine.ops;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import io.qforge.engine.graph.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Infers the shape of every tensor of a graph from its input shapes and initializers, each node by
 * the shape rule its op type has in the {@link OpTable} ({@link io.qforge.engine.graph.ShapeRules}).
 * The dynamic batch dimension is -1; every other dimension is static. Mismatches throw
 * {@link ShapeInferenceException} naming the node.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /** Re-infers every tensor shape of {@code g}. */
    public static Map<String, long[]> infer(Graph g) {
        return infer(g.inputs(), g.nodes(), g.initializers());
    }

    /**
     * Infers shapes for graph inputs, initializers and every node output, walking the nodes in
     * the given (topological) order.
     */
    public static Map<String, long[]> infer(List<ValueInfo> inputs, List<Node> nodes, Map<String, INDArray> initializers) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ValueInfo in : inputs) {
            shapes.put(in.name(), in.shape());
        }
        initializers.forEach((k, v) -> shapes.put(k, v.shape()));
        for (Node n : nodes) {
            List<long[]> ins = new ArrayList<>();
            for (String name : n.inputs()) {
                if (name.isEmpty()) {
                    ins.add(null);
                } else {
                    long[] s = shapes.get(name);
                    if (s == null) {
                        throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': input '" + name
                                + "' is not a graph input, an initializer or the output of an earlier node");
                    }
                    ins.add(s);
                }
            }
            List<long[]> outs = inferNode(n, ins, initializers::get);
            for (int i = 0; i < outs.size() && i < n.outputs().size(); i++) {
                if (!n.output(i).isEmpty()) {
                    shapes.put(n.output(i), outs.get(i));
                }
            }
        }
        return shapes;
    }

    /**
     * The output shapes of one node.
     *
     * @param in        shape of each input, null for an absent optional input
     * @param constants value of a constant input by tensor name (Reshape's shape), or null
     */
    public static List<long[]> inferNode(Node n, List<long[]> in, Function<String, INDArray> constants) {
        OpSpec spec = OpTable.get(n.opType());
        if (spec == null) {
            throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': no shape inference for op type "
                    + n.opType());
        }
        return spec.shape().outputs(n, in, constants);
    }
}
