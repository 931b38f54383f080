package io.qforge.engine.int8;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trailing float Softmax of an integer model (outside the integer part):
 * {@code y_i = exp(x_i - max x) / sum_j exp(x_j - max x)} along {@code axis}, computed in float64,
 * returned as FLOAT.
 */
final class FloatSoftmax {
    private FloatSoftmax() {
    }

    static INDArray softmax(INDArray x, int axis) {
        long[] s = x.shape();
        if (axis < 0 || axis >= s.length) {
            throw new IllegalArgumentException("softmax: axis " + axis + " is outside a rank-" + s.length + " tensor");
        }
        double[] v = x.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        int n = (int) s[axis];
        int inner = 1;
        for (int d = axis + 1; d < s.length; d++) {
            inner *= (int) s[d];
        }
        int outer = v.length / Math.max(1, n * inner);
        float[] out = new float[v.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, v[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += Math.exp(v[base + k * inner] - max);
                }
                for (int k = 0; k < n; k++) {
                    out[base + k * inner] = (float) (Math.exp(v[base + k * inner] - max) / sum);
                }
            }
        }
        return Nd4j.createFromArray(out).reshape('c', s);
    }
}
