package io.qforge.engine.onnx;

import io.qforge.engine.graph.ElementType;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A constant value during import-time folding: element type, shape, the values (integers in
 * {@code ints} for integer and bool types, reals in {@code reals} for floating types) and,
 * for shape-derived tensors, which elements stand for the dynamic batch size ({@code batch},
 * null if none). A batch element's stored value is meaningless (-1); only its mask matters.
 */
record FoldedTensor(ElementType type, long[] shape, long[] ints, double[] reals, boolean[] batch) {

    static FoldedTensor ofLongs(long[] shape, long[] values, boolean[] batch) {
        return new FoldedTensor(ElementType.INT64, shape, values, null, anyTrue(batch) ? batch : null);
    }

    static FoldedTensor of(INDArray a) {
        ElementType t = OnnxTensors.elementType(a.dataType());
        INDArray c = a.dup('c');
        boolean real = t == ElementType.FLOAT || t == ElementType.DOUBLE;
        return new FoldedTensor(t, a.shape(), real ? null : c.data().asLong(), real ? c.data().asDouble() : null, null);
    }

    boolean isReal() {
        return reals != null;
    }

    int size() {
        return isReal() ? reals.length : ints.length;
    }

    boolean hasBatch() {
        return batch != null;
    }

    boolean isBatch(int i) {
        return batch != null && batch[i];
    }

    double real(int i) {
        return isReal() ? reals[i] : ints[i];
    }

    long integer(int i) {
        return isReal() ? (long) reals[i] : ints[i];
    }

    /** The tensor reshaped (same elements in row-major order). */
    FoldedTensor withShape(long[] newShape) {
        return new FoldedTensor(type, newShape, ints, reals, batch);
    }

    /** Elements taken at the given flat positions, with a new shape. */
    FoldedTensor select(int[] positions, long[] newShape) {
        long[] i2 = ints == null ? null : new long[positions.length];
        double[] r2 = reals == null ? null : new double[positions.length];
        boolean[] b2 = batch == null ? null : new boolean[positions.length];
        for (int k = 0; k < positions.length; k++) {
            int p = positions[k];
            if (i2 != null) {
                i2[k] = ints[p];
            }
            if (r2 != null) {
                r2[k] = reals[p];
            }
            if (b2 != null) {
                b2[k] = batch[p];
            }
        }
        return new FoldedTensor(type, newShape, i2, r2, anyTrue(b2) ? b2 : null);
    }

    /** Converts elements to another type (values truncate toward zero for real -> integer). */
    FoldedTensor cast(ElementType to) {
        boolean real = to == ElementType.FLOAT || to == ElementType.DOUBLE;
        int n = size();
        long[] i2 = real ? null : new long[n];
        double[] r2 = real ? new double[n] : null;
        for (int k = 0; k < n; k++) {
            if (real) {
                r2[k] = to == ElementType.FLOAT ? (float) real(k) : real(k);
            } else {
                long v = integer(k);
                i2[k] = switch (to) {
                    case INT32 -> (int) v;
                    case INT8 -> (byte) v;
                    case UINT8 -> v & 0xFF;
                    case BOOL -> (isReal() ? reals[k] != 0 : v != 0) ? 1 : 0;
                    default -> v;
                };
            }
        }
        return new FoldedTensor(to, shape, i2, r2, batch);
    }

    /** The value as an ND4J array of its element type (batch elements must have been rewritten). */
    INDArray toArray() {
        DataType dt = OnnxTensors.dataType(type);
        INDArray flat;
        if (size() == 0) {
            return Nd4j.create(dt, shape);
        }
        if (isReal()) {
            flat = Nd4j.createFromArray(reals).castTo(dt);
        } else {
            flat = Nd4j.createFromArray(ints).castTo(dt);
        }
        return flat.reshape('c', shape);
    }

    static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d); // ArithmeticException: the importer reports it as a problem
        }
        return Math.toIntExact(n);
    }

    private static boolean anyTrue(boolean[] b) {
        if (b == null) {
            return false;
        }
        for (boolean x : b) {
            if (x) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape) + (isReal() ? Arrays.toString(reals) : Arrays.toString(ints))
                + (batch == null ? "" : " batch" + Arrays.toString(batch));
    }
}
