package io.qforge.engine.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qforge.engine.graph.Node;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Test-only: a one-node ONNX model (IR 7, opset 13 unless set) built with nd4j-api's bundled {@code onnx.Onnx}
 * protobuf classes, run in ONNX Runtime, and the same node as an engine {@link Node}. Inputs are
 * float32 graph inputs or initializers (float32, or int64 for shape tensors); an absent optional
 * input is written as an empty name.
 */
final class OneNodeModel {
    private record Input(String name, INDArray value, boolean initializer) {
    }

    private final String opType;
    private final Map<String, Object> attrs = new LinkedHashMap<>();
    private final List<Input> inputs = new ArrayList<>();
    private long opset = 13;

    OneNodeModel(String opType) {
        this.opType = opType;
    }

    /** Opset of the model (default 13); 19+ is written as IR version 9. */
    OneNodeModel opset(long version) {
        this.opset = version;
        return this;
    }

    OneNodeModel attr(String name, Object value) {
        attrs.put(name, value);
        return this;
    }

    /** A runtime (graph) input, float32. */
    OneNodeModel input(String name, INDArray value) {
        inputs.add(new Input(name, value.castTo(DataType.FLOAT), false));
        return this;
    }

    /** An initializer: float32 unless {@code value} is INT64. */
    OneNodeModel initializer(String name, INDArray value) {
        INDArray v = value.dataType() == DataType.LONG ? value : value.castTo(DataType.FLOAT);
        inputs.add(new Input(name, v, true));
        return this;
    }

    OneNodeModel absent() {
        inputs.add(new Input("", null, false));
        return this;
    }

    Node node() {
        return new Node(opType.toLowerCase() + "_ort", opType, inputs.stream().map(Input::name).toList(),
                List.of("y"), attrs);
    }

    /** The engine op's inputs (float32 arrays; null for an absent input). */
    INDArray[] engineInputs() {
        return inputs.stream().map(i -> i.value() == null ? null : i.value().dup()).toArray(INDArray[]::new);
    }

    /** Runs the engine op (inference context) in float32. */
    INDArray runEngine() {
        return OpRegistry.create(node()).forward(engineInputs(), new OpContext(false))[0];
    }

    byte[] toOnnx() {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(opType).setName(opType.toLowerCase() + "_ort")
                .addOutput("y");
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("one_node");
        for (Input in : inputs) {
            n.addInput(in.name());
            if (in.value() == null) {
                continue;
            }
            if (in.initializer()) {
                g.addInitializer(tensor(in.name(), in.value()));
            } else {
                g.addInput(valueInfo(in.name(), in.value().shape()));
            }
        }
        attrs.forEach((k, v) -> n.addAttribute(attribute(k, v)));
        g.addNode(n);
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))));
        return Onnx.ModelProto.newBuilder().setIrVersion(opset >= 19 ? 9 : 7).setProducerName("qforge-test")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g).build().toByteArray();
    }

    /** Runs the model in ONNX Runtime and returns its output as a float32 array. */
    INDArray runOrt() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(toOnnx(), opts)) {
            Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
            try {
                for (Input in : inputs) {
                    if (in.value() != null && !in.initializer()) {
                        float[] data = in.value().dup('c').data().asFloat();
                        feeds.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(data), in.value().shape()));
                    }
                }
                try (OrtSession.Result r = session.run(feeds)) {
                    OnnxTensor t = (OnnxTensor) r.get(0);
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] out = new float[fb.remaining()];
                    fb.get(out);
                    return Nd4j.create(out, t.getInfo().getShape(), 'c');
                }
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long[] shape) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(s)))
                .build();
    }

    private static Onnx.TensorProto tensor(String name, INDArray v) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name);
        for (long d : v.shape()) {
            t.addDims(d);
        }
        INDArray c = v.dup('c');
        ByteBuffer buf;
        if (v.dataType() == DataType.LONG) {
            t.setDataType(Onnx.TensorProto.DataType.INT64_VALUE);
            long[] data = c.data().asLong();
            buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long x : data) {
                buf.putLong(x);
            }
        } else {
            t.setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE);
            float[] data = c.data().asFloat();
            buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : data) {
                buf.putFloat(x);
            }
        }
        buf.flip();
        return t.setRawData(ByteString.copyFrom(buf)).build();
    }

    private static Onnx.AttributeProto attribute(String name, Object v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name);
        if (v instanceof Long l) {
            a.setType(Onnx.AttributeProto.AttributeType.INT).setI(l);
        } else if (v instanceof Double d) {
            a.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
        } else if (v instanceof String s) {
            a.setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (v instanceof long[] ls) {
            a.setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long x : ls) {
                a.addInts(x);
            }
        } else if (v instanceof double[] ds) {
            a.setType(Onnx.AttributeProto.AttributeType.FLOATS);
            for (double x : ds) {
                a.addFloats((float) x);
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value " + v);
        }
        return a.build();
    }
}
