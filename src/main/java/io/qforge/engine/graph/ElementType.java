package io.qforge.engine.graph;

/** The tensor element types the engine understands (a subset of ONNX's TensorProto.DataType). */
public enum ElementType {
    FLOAT(1), UINT8(2), INT8(3), INT32(6), INT64(7), BOOL(9), DOUBLE(11);

    private final int onnxCode;

    ElementType(int onnxCode) {
        this.onnxCode = onnxCode;
    }

    public int onnxCode() {
        return onnxCode;
    }

    public static ElementType fromOnnx(int code) {
        for (ElementType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported ONNX element type " + code);
    }
}
