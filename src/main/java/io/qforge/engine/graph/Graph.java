package io.qforge.engine.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The engine's model IR: nodes in topological order, named initializers (weights and
 * constants, owned by the graph and updated in place by training), graph inputs and outputs,
 * and the inferred shape of every tensor (batch dimension -1).
 */
public final class Graph {
    private final String name;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final List<Node> nodes;
    private final Map<String, INDArray> initializers;
    private final Map<String, long[]> shapes;
    private final long opset;

    public Graph(String name, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Node> nodes,
                 Map<String, INDArray> initializers, Map<String, long[]> shapes, long opset) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodes = List.copyOf(nodes);
        this.initializers = new LinkedHashMap<>(initializers);
        this.shapes = new LinkedHashMap<>(shapes);
        this.opset = opset;
    }

    public String name() { return name; }
    public List<ValueInfo> inputs() { return inputs; }
    public List<ValueInfo> outputs() { return outputs; }
    /** Nodes in topological order. */
    public List<Node> nodes() { return nodes; }
    /** Mutable: training updates these arrays in place. */
    public Map<String, INDArray> initializers() { return initializers; }
    /** Inferred shape per tensor name; -1 marks the dynamic batch dimension. */
    public Map<String, long[]> shapes() { return shapes; }
    public long opset() { return opset; }

    public INDArray initializer(String tensor) {
        return initializers.get(tensor);
    }

    public boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor);
    }
}
