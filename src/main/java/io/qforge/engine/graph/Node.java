package io.qforge.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * One operation of the graph. Inputs and outputs are tensor names; an empty string marks an
 * optional input that is absent (as in ONNX). Attributes hold Long, Double, String, long[],
 * double[] or INDArray (tensor attributes) values, already converted from ONNX.
 */
public record Node(String name, String opType, List<String> inputs, List<String> outputs,
                   Map<String, Object> attributes) {

    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    public String output(int i) {
        return outputs.get(i);
    }

    public long attrInt(String key, long dflt) {
        Object v = attributes.get(key);
        return v == null ? dflt : ((Number) v).longValue();
    }

    public double attrFloat(String key, double dflt) {
        Object v = attributes.get(key);
        return v == null ? dflt : ((Number) v).doubleValue();
    }

    public long[] attrInts(String key, long[] dflt) {
        Object v = attributes.get(key);
        return v == null ? dflt : ((long[]) v).clone();
    }

    public String attrString(String key, String dflt) {
        Object v = attributes.get(key);
        return v == null ? dflt : (String) v;
    }

    @Override
    public String toString() {
        return opType + " '" + name + "' " + inputs + " -> " + outputs;
    }
}
