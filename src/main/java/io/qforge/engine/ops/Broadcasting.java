package io.qforge.engine.ops;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Numpy (ONNX multidirectional) broadcasting helpers. ND4J's {@code add}/{@code mul} already
 * broadcast in the forward direction; the backward needs the reverse: a gradient of the
 * broadcast result's shape summed back to an operand's shape.
 */
final class Broadcasting {
    private Broadcasting() {
    }

    /**
     * Sums {@code grad} (shape of the broadcast result, rank r) back to {@code shape} (rank k <= r):
     * over the r-k leading dimensions and over every dimension where {@code shape} has 1 and
     * {@code grad} has more. Returns {@code grad} itself when the shapes already agree.
     */
    static INDArray reduceTo(INDArray grad, long[] shape) {
        long[] g = grad.shape();
        if (Arrays.equals(g, shape)) {
            return grad;
        }
        if (FloatKernels.perChannelOf(shape, grad) && grad.size(0) * grad.size(1) < grad.length()) {
            // one pass over the plain float gradient instead of ND4J's strided reduction
            return channelVector(FloatKernels.channelSums(grad), shape);
        }
        int lead = g.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("cannot reduce gradient of shape " + Arrays.toString(g)
                    + " to the larger shape " + Arrays.toString(shape));
        }
        int[] dims = new int[g.length];
        int n = 0;
        for (int i = 0; i < g.length; i++) {
            if (i < lead) {
                dims[n++] = i;
            } else if (shape[i - lead] == 1 && g[i] != 1) {
                dims[n++] = i;
            } else if (shape[i - lead] != g[i]) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " does not broadcast to " + Arrays.toString(g));
            }
        }
        INDArray summed = n == 0 ? grad : grad.sum(true, Arrays.copyOf(dims, n));
        return summed.reshape(shape);
    }

    /** The numpy broadcast of two shapes, or an exception naming {@code where}. */
    static long[] shape(long[] a, long[] b, String where) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(where + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** A FLOAT array of {@code shape} holding {@code values} (float32-rounded). */
    static INDArray channelVector(double[] values, long[] shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return org.nd4j.linalg.factory.Nd4j.createFromArray(f).reshape(shape);
    }
}
