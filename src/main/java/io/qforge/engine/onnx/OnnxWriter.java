package io.qforge.engine.onnx;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Node;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Small builders for ONNX protobuf pieces, shared by the FP32 exporter and the QDQ exporter:
 * tensors (raw little-endian data), attributes, nodes and value infos with a symbolic batch
 * dimension.
 */
public final class OnnxWriter {

    /** The dim_param written for every -1 dimension. */
    public static final String BATCH_DIM = "batch";

    private OnnxWriter() {
    }

    /** An initializer with the array's current values and element type. */
    public static TensorProto tensor(String name, INDArray value) {
        return OnnxTensors.toTensor(name, value);
    }

    /** A node; attributes are IR values (see {@link OnnxAttributes#toAttribute}), written in name order. */
    public static NodeProto node(String name, String opType, List<String> inputs, List<String> outputs,
                                 Map<String, Object> attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(name).setOpType(opType)
                .addAllInput(inputs).addAllOutput(outputs);
        new TreeMap<>(attributes).forEach((k, v) -> b.addAttribute(OnnxAttributes.toAttribute(k, v)));
        return b.build();
    }

    public static NodeProto node(Node n) {
        return node(n.name(), n.opType(), n.inputs(), n.outputs(), n.attributes());
    }

    /** A tensor value info; dimensions of -1 become the symbolic dimension {@link #BATCH_DIM}. */
    public static ValueInfoProto valueInfo(String name, ElementType type, long[] shape) {
        TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
        for (long d : shape) {
            sb.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(sb))).build();
    }
}
