package io.qforge.engine.export;

import io.qforge.engine.quant.QuantParams;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checks an integer weight against its encoding and returns it as a C-ordered INT8 array. */
final class WeightArrays {

    private WeightArrays() {
    }

    /**
     * @param layer name used in messages
     * @param rank  the required rank (4 for Conv [oC, iC/g, kH, kW], 2 for Gemm [out, in])
     * @throws IllegalArgumentException if the rank, the channel count of per-channel params (axis 0
     *                                  only), an integer value or its range is wrong
     */
    static INDArray int8(String layer, INDArray w, QuantParams p, int rank) {
        if (w == null || w.rank() != rank) {
            throw new IllegalArgumentException("layer '" + layer + "': weight shape "
                    + (w == null ? "null" : Arrays.toString(w.shape())) + " is not allowed (rank " + rank + ")");
        }
        if (p.axis() != QuantParams.PER_TENSOR_AXIS && (p.axis() != 0 || p.channels() != w.size(0))) {
            throw new IllegalArgumentException("layer '" + layer + "': weight params " + p + " do not fit weight "
                    + Arrays.toString(w.shape()) + " (per tensor, or per channel on axis 0 with " + w.size(0)
                    + " channels)");
        }
        double[] v = w.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < p.qmin() || v[i] > p.qmax()) {
                throw new IllegalArgumentException("layer '" + layer + "': weight value " + v[i] + " at flat index "
                        + i + " is not allowed (an integer in [" + p.qmin() + ", " + p.qmax() + "])");
            }
            q[i] = (byte) v[i];
        }
        return Nd4j.createFromArray(q).reshape('c', w.shape());
    }
}
