package io.qforge.engine.data;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The numpy element types qforge reads, each with its ND4J counterpart. The byte order is not part
 * of the type: {@link NpyHeader#byteOrder()} carries it.
 */
public enum NpyDtype {
    BOOL("b1", 1, DataType.BOOL),
    INT8("i1", 1, DataType.BYTE),
    UINT8("u1", 1, DataType.UBYTE),
    INT16("i2", 2, DataType.SHORT),
    UINT16("u2", 2, DataType.UINT16),
    INT32("i4", 4, DataType.INT),
    UINT32("u4", 4, DataType.UINT32),
    INT64("i8", 8, DataType.LONG),
    UINT64("u8", 8, DataType.UINT64),
    FLOAT16("f2", 2, DataType.HALF),
    FLOAT32("f4", 4, DataType.FLOAT),
    FLOAT64("f8", 8, DataType.DOUBLE);

    private final String code;
    private final int size;
    private final DataType nd4jType;

    NpyDtype(String code, int size, DataType nd4jType) {
        this.code = code;
        this.size = size;
        this.nd4jType = nd4jType;
    }

    /** The numpy type code without byte order, e.g. {@code f4}. */
    public String code() {
        return code;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The ND4J data type that holds the same values exactly. */
    public DataType nd4jType() {
        return nd4jType;
    }

    public boolean isFloatingPoint() {
        return code.charAt(0) == 'f';
    }

    /** Signed or unsigned integer (bool is not an integer here). */
    public boolean isInteger() {
        return code.charAt(0) == 'i' || code.charAt(0) == 'u';
    }

    /** The numpy name, e.g. {@code float32}, {@code uint8}. */
    public String numpyName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dtype with the given code (kind letter and size, e.g. {@code u1}), or null. */
    static NpyDtype fromCode(String code) {
        for (NpyDtype t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }
}
