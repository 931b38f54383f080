package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Integer fully connected layer (ONNX Gemm with {@code transB = 1}, PyTorch Linear):
 * {@code acc[m, o] = sum_k (x_q[m, k] - z_x) (w_q[o, k] - z_w[o]) + bias_q[o]}, then requantized per
 * output feature. Weights are [out, in] (per-channel axis 0); for {@code transB = 0} models, pass
 * the transposed weights. The transposed copy [in, out] and its column sums are prepared once.
 */
public final class Int8Linear {
    private final INDArray weightsKxN;
    private final int[] weightZeroPoints;
    private final int[] columnSums;
    private final int[] bias;
    private final int inputZeroPoint;
    private final Requantizer requantizer;

    /**
     * @param weights INT8 [out, in]; @param weightZeroPoints 1 or out values; @param bias int32 [out] or null
     */
    public Int8Linear(INDArray weights, int[] weightZeroPoints, int[] bias, int inputZeroPoint,
                      Requantizer requantizer) {
        Int8Arrays.checkRank(weights, 2, "int8 linear weights");
        int out = (int) weights.size(0);
        if (weightZeroPoints.length != 1 && weightZeroPoints.length != out) {
            throw new IllegalArgumentException("int8 linear: " + weightZeroPoints.length + " weight zero points for "
                    + out + " outputs");
        }
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("int8 linear: bias has " + bias.length + " values for " + out
                    + " outputs");
        }
        this.weightsKxN = weights.transpose().dup('c');
        Int8Arrays.bytes(weightsKxN, "int8 linear weights"); // type check
        this.weightZeroPoints = weightZeroPoints.clone();
        this.columnSums = Int8Gemm.columnSums(weightsKxN);
        this.bias = bias == null ? null : bias.clone();
        this.inputZeroPoint = inputZeroPoint;
        this.requantizer = requantizer;
    }

    public static Int8Linear of(INDArray weights, QuantParams weightParams, INDArray bias, QuantParams input,
                                QuantParams output, FusedActivation activation) {
        Requantizer rq = Requantizer.forLayer(input.scale(0), weightParams.scales(), output.scale(0),
                output.zeroPoint(0), output.qmin(), output.qmax(), activation);
        return new Int8Linear(weights, weightParams.zeroPoints(), bias == null ? null : Int8Arrays.ints(bias),
                input.zeroPoint(0), rq);
    }

    /** int32 accumulators [M, out] (bias included) for an INT8 input [M, in]. */
    public INDArray accumulate(INDArray x) {
        return Int8Gemm.gemm(x, new int[] {inputZeroPoint}, weightsKxN, weightZeroPoints, columnSums, bias);
    }

    /** int8 output [M, out]. */
    public INDArray forward(INDArray x) {
        if (requantizer == null) {
            throw new IllegalStateException("int8 linear: built without a requantizer, only accumulate() is available");
        }
        return requantizer.apply(accumulate(x), 1);
    }
}
