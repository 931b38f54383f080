package io.qforge.engine.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Builds small ONNX models directly with the protobuf builders (independent of the exporter),
 * as PyTorch would write them: a dimension of -1 becomes the symbolic dimension "N".
 */
public final class OnnxModels {
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
    private final long opset;
    private final Random random = new Random(42);
    private int nodeCount;

    OnnxModels(long opset) {
        this.opset = opset;
    }

    static OnnxModels opset(long opset) {
        return new OnnxModels(opset);
    }

    OnnxModels input(String name, long... dims) {
        return typedInput(name, TensorProto.DataType.FLOAT_VALUE, dims);
    }

    OnnxModels typedInput(String name, int elemType, long... dims) {
        g.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    OnnxModels output(String name, long... dims) {
        g.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
        return this;
    }

    static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    /** A float initializer of random values in [-0.5, 0.5) stored as raw little-endian data. */
    OnnxModels weight(String name, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() - 0.5f;
        }
        return floats(name, v, dims);
    }

    /** Positive random values in [0.5, 1.5) (BatchNorm variances and scales). */
    OnnxModels positive(String name, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() + 0.5f;
        }
        return floats(name, v, dims);
    }

    OnnxModels floats(String name, float[] values, long... dims) {
        g.addInitializer(floatTensor(name, values, dims));
        return this;
    }

    public static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            b.putFloat(f);
        }
        b.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** An int64 initializer stored in int64_data (not raw), as some exporters write it. */
    OnnxModels longs(String name, long[] values, long... dims) {
        g.addInitializer(longTensor(name, values, dims));
        return this;
    }

    static TensorProto longTensor(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (long v : values) {
            t.addInt64Data(v);
        }
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    OnnxModels initializer(TensorProto t) {
        g.addInitializer(t);
        return this;
    }

    /** Adds a node; {@code name} may be empty (unnamed node, as some exporters write). */
    OnnxModels node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        g.addNode(n);
        nodeCount++;
        return this;
    }

    /** A single-output node named {@code name}, output tensor {@code out}. */
    OnnxModels node(String op, String name, String out, String[] inputs, AttributeProto... attrs) {
        return node(op, name, inputs, new String[] {out}, attrs);
    }

    ModelProto model() {
        return ModelProto.newBuilder().setIrVersion(opset >= 15 ? 8 : 7).setProducerName("OnnxModels").setProducerVersion("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g).build();
    }

    byte[] bytes() {
        return model().toByteArray();
    }

    static String[] in(String... names) {
        return names;
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto t(String name, TensorProto v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(v).build();
    }
}
