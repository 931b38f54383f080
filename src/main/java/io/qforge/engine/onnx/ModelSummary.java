package io.qforge.engine.onnx;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.ValueInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * What an uploaded ONNX file holds, as the service shows it: graph inputs and outputs as written
 * in the file (symbolic or unknown dimensions as -1; initializers listed as inputs left out), op
 * type counts of the file's nodes, parameter count (elements of FLOAT initializers), opset,
 * producer, and the problems that keep qforge from training it (empty when supported).
 */
public record ModelSummary(List<ValueInfo> inputs, List<ValueInfo> outputs, Map<String, Integer> opCounts,
                           long parameterCount, long opset, String producer, List<String> problems) {

    public ModelSummary {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        opCounts = Map.copyOf(opCounts);
        problems = List.copyOf(problems);
    }

    public boolean supported() {
        return problems.isEmpty();
    }

    /**
     * Summarizes the bytes. Malformed bytes throw {@link InvalidModelException}; an unsupported
     * model gives a summary whose {@link #problems()} lists why.
     */
    public static ModelSummary of(byte[] bytes) {
        ModelProto m = OnnxImporter.parse(bytes);
        long opset = OnnxImporter.opset(m);
        List<String> problems = new ArrayList<>();
        try {
            OnnxImporter.importModel(bytes);
        } catch (UnsupportedModelException e) {
            problems.addAll(e.problems());
        } catch (InvalidModelException e) {
            problems.add(e.getMessage());
        }
        Set<String> initNames = new HashSet<>();
        long params = 0;
        for (TensorProto t : m.getGraph().getInitializerList()) {
            initNames.add(t.getName());
            if (t.getDataType() == ElementType.FLOAT.onnxCode()) {
                long n = 1;
                for (long d : t.getDimsList()) {
                    n = d < 0 || n == Long.MAX_VALUE ? Long.MAX_VALUE : multiplySaturated(n, d);
                }
                params = n == Long.MAX_VALUE || params > Long.MAX_VALUE - n ? Long.MAX_VALUE : params + n;
            }
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : m.getGraph().getInputList()) {
            if (!initNames.contains(v.getName())) {
                inputs.add(info(v));
            }
        }
        List<ValueInfo> outputs = m.getGraph().getOutputList().stream().map(ModelSummary::info).toList();
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            ops.merge(n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "::" + n.getOpType(), 1, Integer::sum);
        }
        String producer = (m.getProducerName() + " " + m.getProducerVersion()).trim();
        return new ModelSummary(inputs, outputs, ops, params, opset, producer, problems);
    }

    private static long multiplySaturated(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private static ValueInfo info(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return new ValueInfo(v.getName(), ElementType.FLOAT, new long[0]);
        }
        var tt = v.getType().getTensorType();
        ElementType type = OnnxTensors.elementType(tt.getElemType());
        long[] shape = tt.getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1).toArray();
        return new ValueInfo(v.getName(), type == null ? ElementType.FLOAT : type, shape);
    }
}
