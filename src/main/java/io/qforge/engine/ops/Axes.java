package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.Arrays;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Axis arguments of the shape-manipulating ops: normalization and constant integer inputs. */
final class Axes {
    private Axes() {
    }

    /** {@code axis} in [-rank, rank) as a non-negative axis, or an exception naming the node. */
    static int normalize(Node n, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': axis " + axis
                    + " is outside a rank-" + rank + " input");
        }
        return (int) a;
    }

    /** Each of {@code axes} normalized; duplicates refused. */
    static int[] normalize(Node n, long[] axes, int rank) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            out[i] = normalize(n, axes[i], rank);
            if (seen[out[i]]) {
                throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': axes " + Arrays.toString(axes)
                        + " repeat axis " + out[i]);
            }
            seen[out[i]] = true;
        }
        return out;
    }

    /**
     * The integer vector held by constant input {@code i} (an INT64/INT32 initializer), null when
     * the input is absent; an exception naming the node when it is not a constant.
     */
    static long[] constantInput(Node n, int i, Function<String, INDArray> constants, String what) {
        if (!n.hasInput(i)) {
            return null;
        }
        INDArray v = constants.apply(n.input(i));
        if (v == null) {
            throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': " + what + " input '" + n.input(i)
                    + "' must be a constant");
        }
        return values(v);
    }

    /** The values of an integer array as a long vector (rank 0 gives one value). */
    static long[] values(INDArray v) {
        if (v.length() == 0) {
            return new long[0];
        }
        return v.rank() == 0 ? new long[] {v.getLong(0)} : v.reshape(v.length()).toLongVector();
    }

    /** Input {@code i}'s integer values at run time (null when absent). */
    static long[] runtimeInput(INDArray[] inputs, int i) {
        return inputs.length > i && inputs[i] != null ? values(inputs[i]) : null;
    }
}
