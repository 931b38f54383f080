package io.qforge.engine.data;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What a {@code .npy} header says about its array: element type, byte order, memory order and
 * shape. Parsing it reads no data, so it is cheap even for a huge array.
 *
 * @param name the array's name, used in every message (e.g. {@code x_train})
 * @param dtype element type
 * @param byteOrder byte order of the stored elements
 * @param fortranOrder true when the data is stored column-major ({@code fortran_order: True})
 * @param shape dimensions; empty for a scalar
 * @param descr the header's dtype string as written, e.g. {@code <f4}
 */
public record NpyHeader(String name, NpyDtype dtype, ByteOrder byteOrder, boolean fortranOrder, long[] shape,
        String descr) {

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d; // NpyHeaderParser rejected shapes whose product overflows
        }
        return n;
    }

    /** Bytes of data that follow the header. */
    public long dataBytes() {
        return elementCount() * dtype.size();
    }

    /** The shape as numpy prints it, e.g. {@code (60000, 28, 28)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        String s = Arrays.toString(shape);
        return "(" + s.substring(1, s.length() - 1) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && name.equals(h.name) && dtype == h.dtype && byteOrder.equals(h.byteOrder)
                && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape) && descr.equals(h.descr);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ": " + dtype.numpyName() + " " + shapeString() + (fortranOrder ? " fortran_order" : "");
    }
}
