package io.qforge.engine.int8;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversions between INDArrays and Java arrays (c order) for the integer kernels. */
final class Int8Arrays {
    private Int8Arrays() {
    }

    static byte[] bytes(INDArray x, String what) {
        if (x.dataType() != DataType.INT8) {
            throw new IllegalArgumentException(what + ": type " + x.dataType() + " is not allowed (INT8)");
        }
        INDArray c = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        return c.data().asBytes();
    }

    static int[] ints(INDArray x) {
        INDArray c = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        return c.castTo(DataType.INT32).data().asInt();
    }

    static INDArray int8(byte[] values, long... shape) {
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    static INDArray int32(int[] values, long... shape) {
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    static void checkRank(INDArray x, int rank, String what) {
        if (x.rank() != rank) {
            throw new IllegalArgumentException(what + ": rank " + x.rank() + " (shape " + Arrays.toString(x.shape())
                    + ") is not allowed (rank " + rank + ")");
        }
    }
}
