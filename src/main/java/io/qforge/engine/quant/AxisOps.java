package io.qforge.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element-wise arithmetic between a tensor and one value per channel along an axis (per-tensor
 * when there is one value), done with ND4J broadcast kernels: no Java loop over elements.
 */
final class AxisOps {
    private AxisOps() {
    }

    /** Normalizes {@code axis} for {@code x} and checks that its length matches {@code channels}. */
    static int checkAxis(INDArray x, int axis, int channels, String what) {
        int rank = x.rank();
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(what + ": axis " + axis + " is not allowed for a rank-" + rank
                    + " tensor of shape " + java.util.Arrays.toString(x.shape()));
        }
        if (x.size(a) != channels) {
            throw new IllegalArgumentException(what + ": " + channels + " channels but axis " + a
                    + " of shape " + java.util.Arrays.toString(x.shape()) + " has " + x.size(a));
        }
        return a;
    }

    static INDArray vector(double[] values, DataType type) {
        return Nd4j.createFromArray(values).castTo(type);
    }

    static INDArray vector(int[] values, DataType type) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return vector(d, type);
    }

    /** {@code x[..c..] / values[c]} into a new array ({@code axis < 0}: per tensor, one value). */
    static INDArray div(INDArray x, double[] values, int axis) {
        if (axis < 0) {
            return x.div(values[0]);
        }
        return Broadcast.div(x, vector(values, x.dataType()), x.ulike(), axis);
    }

    /** {@code x[..c..] * values[c]} into a new array. */
    static INDArray mul(INDArray x, double[] values, int axis) {
        if (axis < 0) {
            return x.mul(values[0]);
        }
        return Broadcast.mul(x, vector(values, x.dataType()), x.ulike(), axis);
    }

    /** In place: {@code x[..c..] += values[c]}; nothing when every value is 0. */
    static INDArray addi(INDArray x, int[] values, int axis) {
        if (allZero(values)) {
            return x;
        }
        if (axis < 0) {
            return x.addi(values[0]);
        }
        return Broadcast.add(x, vector(values, x.dataType()), x, axis);
    }

    /** In place: {@code x[..c..] -= values[c]}; nothing when every value is 0. */
    static INDArray subi(INDArray x, int[] values, int axis) {
        if (allZero(values)) {
            return x;
        }
        if (axis < 0) {
            return x.subi(values[0]);
        }
        return Broadcast.sub(x, vector(values, x.dataType()), x, axis);
    }

    /** In place: {@code x[..c..] *= values[c]}. */
    static INDArray muli(INDArray x, double[] values, int axis) {
        if (axis < 0) {
            return x.muli(values[0]);
        }
        return Broadcast.mul(x, vector(values, x.dataType()), x, axis);
    }

    /** Dimensions of a rank-{@code rank} tensor other than {@code axis}. */
    static int[] otherDims(int rank, int axis) {
        int[] dims = new int[rank - 1];
        for (int d = 0, k = 0; d < rank; d++) {
            if (d != axis) {
                dims[k++] = d;
            }
        }
        return dims;
    }

    private static boolean allZero(int[] values) {
        for (int v : values) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}
