package io.qforge.engine.onnx;

import java.nio.charset.StandardCharsets;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * ONNX attribute values to and from the IR's Java values: INT -> Long, FLOAT -> Double,
 * INTS -> long[], FLOATS -> double[], STRING -> String, TENSOR -> INDArray.
 */
public final class OnnxAttributes {

    private OnnxAttributes() {
    }

    /**
     * Converts one attribute, or returns null if its type has no IR value (graphs, sparse
     * tensors, lists of strings or tensors); the caller reports that.
     */
    public static Object toValue(AttributeProto a, String nodeName) {
        AttributeType type = a.getType();
        if (type == AttributeType.UNDEFINED) {
            type = guessType(a); // IR version < 2 left the type unset
        }
        return switch (type) {
            case INT -> a.getI();
            case FLOAT -> (double) a.getF();
            case STRING -> a.getS().toString(StandardCharsets.UTF_8);
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case FLOATS -> {
                double[] v = new double[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                yield v;
            }
            case TENSOR -> {
                if (OnnxTensors.isExternal(a.getT())) {
                    throw new UnsupportedModelException(java.util.List.of("node '" + nodeName + "' attribute '"
                            + a.getName() + "' holds a tensor with external data, which qforge does not read"));
                }
                yield OnnxTensors.toArray(a.getT(), "node '" + nodeName + "' attribute '" + a.getName() + "'");
            }
            default -> null;
        };
    }

    private static AttributeType guessType(AttributeProto a) {
        if (a.hasT()) {
            return AttributeType.TENSOR;
        }
        if (a.getIntsCount() > 0) {
            return AttributeType.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return AttributeType.FLOATS;
        }
        if (!a.getS().isEmpty()) {
            return AttributeType.STRING;
        }
        if (a.getF() != 0f) {
            return AttributeType.FLOAT;
        }
        return AttributeType.INT;
    }

    /** Builds an attribute from an IR value (Long/Integer, Double/Float, String, long[], int[], double[], float[], INDArray). */
    public static AttributeProto toAttribute(String name, Object value) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            b.setType(AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            b.setType(AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            b.setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] v) {
            b.setType(AttributeType.INTS);
            for (long x : v) {
                b.addInts(x);
            }
        } else if (value instanceof int[] v) {
            b.setType(AttributeType.INTS);
            for (int x : v) {
                b.addInts(x);
            }
        } else if (value instanceof double[] v) {
            b.setType(AttributeType.FLOATS);
            for (double x : v) {
                b.addFloats((float) x);
            }
        } else if (value instanceof float[] v) {
            b.setType(AttributeType.FLOATS);
            for (float x : v) {
                b.addFloats(x);
            }
        } else if (value instanceof INDArray t) {
            b.setType(AttributeType.TENSOR).setT(OnnxTensors.toTensor("", t));
        } else {
            throw new IllegalArgumentException("attribute '" + name + "' has a value of type "
                    + (value == null ? "null" : value.getClass().getName()) + " that ONNX cannot hold");
        }
        return b.build();
    }
}
