package io.qforge.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * BatchNorm folding arithmetic (QAT-MATH.md), shared by the QAT graph ({@link BnFoldFactorOp} and
 * the {@code Mul} that scales the weight) and the converter, with the very same kernels so that
 * the folded weight the converter quantizes is bit-identical to the one the fake-quant saw:
 * <pre>
 * sigma  = sqrt(running_var + eps)
 * f      = gamma / sigma                          per output channel
 * w_fold = w * f
 * b_fold = beta + (b - running_mean) * f
 * </pre>
 */
public final class BnFold {
    private BnFold() {
    }

    /** {@code sigma = sqrt(var + eps)} as a vector, in var's type. */
    public static INDArray sigma(INDArray runningVar, double epsilon) {
        return Transforms.sqrt(runningVar.reshape(runningVar.length()).add(epsilon), false);
    }

    /** {@code f = gamma / sigma} shaped [C,1,1,1] (broadcasts over a conv weight [oC,iC,kH,kW]). */
    public static INDArray weightFactor(INDArray gamma, INDArray runningVar, double epsilon) {
        long c = gamma.length();
        return gamma.reshape(c).div(sigma(runningVar, epsilon)).reshape(c, 1, 1, 1);
    }

    /** {@code w_fold = w * f} with ND4J's broadcasting {@code multiply} (the kernel of the graph's Mul). */
    public static INDArray foldWeight(INDArray w, INDArray gamma, INDArray runningVar, double epsilon) {
        INDArray f = weightFactor(gamma, runningVar, epsilon);
        return Nd4j.exec(DynamicCustomOp.builder("multiply").addInputs(w, f).build())[0];
    }

    /** {@code b_fold = beta + (b - mean) * gamma / sigma} in double ({@code bias} null: no conv bias). */
    public static double[] foldBias(INDArray bias, INDArray gamma, INDArray beta, INDArray mean, INDArray runningVar,
                                    double epsilon) {
        double[] g = vector(gamma);
        double[] bt = vector(beta);
        double[] m = vector(mean);
        double[] v = vector(runningVar);
        double[] b = bias == null ? new double[g.length] : vector(bias);
        double[] out = new double[g.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = bt[c] + (b[c] - m[c]) * g[c] / Math.sqrt(v[c] + epsilon);
        }
        return out;
    }

    private static double[] vector(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }
}
