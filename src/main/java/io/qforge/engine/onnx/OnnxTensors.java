package io.qforge.engine.onnx;

import io.qforge.engine.graph.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Conversion between ONNX {@code TensorProto} and ND4J arrays. Reads {@code raw_data}
 * (little-endian, as the ONNX spec requires) or the typed repeated fields; writes
 * {@code raw_data} only. A tensor with no dimensions is a rank-0 scalar.
 *
 * <p>External data is never read here: {@link #isExternal} lets the importer refuse it first.
 */
public final class OnnxTensors {

    private OnnxTensors() {
    }

    /** True if the tensor's bytes live in a file next to the model (never opened by qforge). */
    public static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0;
    }

    /** The engine type for an ONNX data type code, or null if the engine has none. */
    public static ElementType elementType(int onnxCode) {
        for (ElementType e : ElementType.values()) {
            if (e.onnxCode() == onnxCode) {
                return e;
            }
        }
        return null;
    }

    public static DataType dataType(ElementType t) {
        return switch (t) {
            case FLOAT -> DataType.FLOAT;
            case DOUBLE -> DataType.DOUBLE;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
        };
    }

    public static ElementType elementType(DataType t) {
        return switch (t) {
            case FLOAT -> ElementType.FLOAT;
            case DOUBLE -> ElementType.DOUBLE;
            case LONG -> ElementType.INT64;
            case INT -> ElementType.INT32;
            case BYTE -> ElementType.INT8;
            case UBYTE -> ElementType.UINT8;
            case BOOL -> ElementType.BOOL;
            default -> throw new IllegalArgumentException("no ONNX element type for ND4J data type " + t);
        };
    }

    /**
     * Decodes a tensor (not external; element type one of {@link ElementType}).
     *
     * @param what how to name the tensor in error messages, e.g. {@code initializer 'conv1.weight'}
     * @throws InvalidModelException if the stored element count does not match the dims
     */
    public static INDArray toArray(TensorProto t, String what) {
        ElementType type = elementType(t.getDataType());
        if (type == null) {
            throw new InvalidModelException(what + " has unsupported element type " + t.getDataType());
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidModelException(what + " has negative dimension in dims " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new InvalidModelException(what + " has dims " + Arrays.toString(shape)
                        + " whose element count overflows 64 bits");
            }
        }
        if (count > Integer.MAX_VALUE) {
            throw new InvalidModelException(what + " is too large (" + count + " elements)");
        }
        int n = (int) count;
        boolean raw = !t.getRawData().isEmpty();
        ByteBuffer bytes = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int width = switch (type) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case INT8, UINT8, BOOL -> 1;
        };
        int stored = raw ? bytes.remaining() / width : switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            default -> t.getInt32DataCount();
        };
        if (raw && bytes.remaining() % width != 0 || stored != n) {
            throw new InvalidModelException(what + " holds " + (raw ? bytes.remaining() + " bytes" : stored + " values")
                    + " but dims " + Arrays.toString(shape) + " of type " + type + " need " + n + " values");
        }
        DataType dt = dataType(type);
        if (n == 0) {
            return Nd4j.create(dt, shape);
        }
        INDArray flat = switch (type) {
            case FLOAT -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw ? bytes.getFloat(i * 4) : t.getFloatData(i);
                }
                yield Nd4j.createFromArray(v);
            }
            case DOUBLE -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw ? bytes.getDouble(i * 8) : t.getDoubleData(i);
                }
                yield Nd4j.createFromArray(v);
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw ? bytes.getLong(i * 8) : t.getInt64Data(i);
                }
                yield Nd4j.createFromArray(v);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw ? bytes.getInt(i * 4) : t.getInt32Data(i);
                }
                yield Nd4j.createFromArray(v);
            }
            case INT8 -> {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw ? bytes.get(i) : (byte) t.getInt32Data(i);
                }
                yield Nd4j.createFromArray(v);
            }
            case UINT8 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = raw ? Byte.toUnsignedInt(bytes.get(i)) : t.getInt32Data(i) & 0xFF;
                }
                yield Nd4j.createFromArray(v).castTo(DataType.UINT8);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (raw ? bytes.get(i) : t.getInt32Data(i)) != 0;
                }
                yield Nd4j.createFromArray(v);
            }
        };
        return flat.reshape('c', shape);
    }

    /** Encodes an array as a tensor named {@code name} with little-endian {@code raw_data}. */
    public static TensorProto toTensor(String name, INDArray a) {
        ElementType type = elementType(a.dataType());
        INDArray c = a.dup('c');
        int n = (int) c.length();
        ByteBuffer buf;
        switch (type) {
            case FLOAT -> {
                float[] v = c.data().asFloat();
                buf = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    buf.putFloat(v[i]);
                }
            }
            case DOUBLE -> {
                double[] v = c.data().asDouble();
                buf = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    buf.putDouble(v[i]);
                }
            }
            case INT64 -> {
                long[] v = c.data().asLong();
                buf = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    buf.putLong(v[i]);
                }
            }
            case INT32 -> {
                int[] v = c.data().asInt();
                buf = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    buf.putInt(v[i]);
                }
            }
            default -> { // INT8, UINT8, BOOL: one byte each
                int[] v = c.data().asInt();
                buf = ByteBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    buf.put((byte) v[i]);
                }
            }
        }
        buf.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.onnxCode());
        for (long d : c.shape()) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(buf)).build();
    }
}
