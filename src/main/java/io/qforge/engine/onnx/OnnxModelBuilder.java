package io.qforge.engine.onnx;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ValueInfo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Assembles an ONNX model node by node: graph inputs/outputs, initializers, nodes, and the
 * QuantizeLinear / DequantizeLinear helpers a QDQ exporter needs. Nodes must be added in
 * topological order. Defaults: opset 13, IR version 7.
 *
 * <pre>{@code
 * OnnxModelBuilder b = new OnnxModelBuilder("net");
 * b.input(x);  b.initializer("w_q", int8Weights);  ...
 * String wq = b.dequantizeLinear("w_q", wScales, null, 0);       // per-channel weight
 * b.node("conv", "Conv", List.of(xdq, wq, bdq), List.of("y"), attrs);
 * b.output(y);  byte[] bytes = b.toBytes();
 * }</pre>
 */
public final class OnnxModelBuilder {
    public static final long DEFAULT_OPSET = 13;
    public static final long DEFAULT_IR_VERSION = 7;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Map<String, INDArray> initializers = new LinkedHashMap<>();
    private long opset = DEFAULT_OPSET;
    private long irVersion = DEFAULT_IR_VERSION;
    private ExportOptions options = ExportOptions.DEFAULT;

    public OnnxModelBuilder(String graphName) {
        graph.setName(graphName == null || graphName.isEmpty() ? "qforge" : graphName);
    }

    public OnnxModelBuilder opset(long opset) {
        this.opset = opset;
        return this;
    }

    public OnnxModelBuilder irVersion(long irVersion) {
        this.irVersion = irVersion;
        return this;
    }

    public OnnxModelBuilder options(ExportOptions options) {
        this.options = options;
        return this;
    }

    public OnnxModelBuilder input(ValueInfo v) {
        names.add(v.name());
        graph.addInput(OnnxWriter.valueInfo(v.name(), v.type(), v.shape()));
        return this;
    }

    public OnnxModelBuilder output(ValueInfo v) {
        graph.addOutput(OnnxWriter.valueInfo(v.name(), v.type(), v.shape()));
        return this;
    }

    /** Adds (or replaces) an initializer; its values are encoded when the model is built. */
    public OnnxModelBuilder initializer(String name, INDArray value) {
        names.add(name);
        initializers.put(name, value);
        return this;
    }

    public OnnxModelBuilder node(String name, String opType, List<String> inputs, List<String> outputs,
                                 Map<String, Object> attributes) {
        names.add(name);
        names.addAll(outputs);
        graph.addNode(OnnxWriter.node(name, opType, inputs, outputs, attributes));
        return this;
    }

    public OnnxModelBuilder node(Node n) {
        return node(n.name(), n.opType(), n.inputs(), n.outputs(), n.attributes());
    }

    /** Records names already used elsewhere (for example every tensor of the source graph). */
    public OnnxModelBuilder reserve(String name) {
        names.add(name);
        return this;
    }

    /** A name not yet used in this model, starting with {@code base}. */
    public String uniqueName(String base) {
        String n = base;
        for (int i = 1; names.contains(n); i++) {
            n = base + "_" + i;
        }
        names.add(n);
        return n;
    }

    /**
     * Adds {@code y = saturate(rint(x / scale) + zeroPoint)} and returns y's name. The scale (FLOAT)
     * and zero point (INT8/UINT8; its type sets y's type) become initializers; scalar for per
     * tensor, 1-D with {@code axis} for per channel.
     */
    public String quantizeLinear(String x, INDArray scale, INDArray zeroPoint, long axis) {
        return qdq("QuantizeLinear", x, scale, zeroPoint, axis);
    }

    /**
     * Adds {@code y = (x - zeroPoint) * scale} and returns y's name (FLOAT). {@code zeroPoint} may be
     * null (zero, as for int32 biases).
     */
    public String dequantizeLinear(String x, INDArray scale, INDArray zeroPoint, long axis) {
        return qdq("DequantizeLinear", x, scale, zeroPoint, axis);
    }

    private String qdq(String op, String x, INDArray scale, INDArray zeroPoint, long axis) {
        String prefix = x + (op.startsWith("Q") ? "_quantized" : "_dequantized");
        String sName = uniqueName(prefix + "_scale");
        initializer(sName, scale.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        List<String> ins = new java.util.ArrayList<>(List.of(x, sName));
        if (zeroPoint != null) {
            String zName = uniqueName(prefix + "_zero_point");
            initializer(zName, zeroPoint);
            ins.add(zName);
        }
        String y = uniqueName(prefix);
        Map<String, Object> attrs = scale.rank() == 0 ? Map.of() : Map.of("axis", axis);
        node(uniqueName(op + "_" + x), op, ins, List.of(y), attrs);
        return y;
    }

    /** A scalar of the given type, e.g. an int8 zero point: {@code scalar(ElementType.INT8, 0)}. */
    public static INDArray scalar(ElementType type, double value) {
        return Nd4j.scalar(value).castTo(OnnxTensors.dataType(type));
    }

    public ModelProto build() {
        GraphProto.Builder g = graph.clone();
        initializers.forEach((k, v) -> g.addInitializer(OnnxWriter.tensor(k, v)));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .setProducerName(options.producerName())
                .setProducerVersion(options.producerVersion())
                .setDocString(options.docString())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g);
        return m.build();
    }

    public byte[] toBytes() {
        return build().toByteArray();
    }

    /** The nodes added so far (for checks in tests and exporters). */
    public List<NodeProto> nodes() {
        return graph.getNodeList();
    }
}
