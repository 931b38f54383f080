package io.qforge.engine.quant;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Clipping range that minimizes the quantization error: among {@code alpha} in
 * {0.30, 0.31, ..., 1.00} (71 candidates), the range {@code alpha * [min, max]} (symmetric:
 * {@code alpha * max|x|}) whose fake quantization gives the smallest {@code ||x - fq(x)||^2}, per
 * channel or per tensor. {@code min}/{@code max} are the exact running extremes; the error is
 * measured on the bounded uniform random sample ({@link SamplingObserver}), all candidates in one
 * vectorized pass each. Ties go to the larger alpha.
 */
public final class MseObserver extends SamplingObserver {
    public static final double ALPHA_MIN = 0.30;
    public static final int ALPHA_STEPS = 70;

    public MseObserver(int axis) {
        this(axis, defaultCapacity(axis));
    }

    public MseObserver(int axis, int capacity) {
        super(axis, capacity);
    }

    @Override
    public QuantParams encoding(int bits, Symmetry symmetry, Granularity granularity) {
        checkEncodingRequest(granularity);
        double[][] r = range(granularity);
        double[][] samples = samples(granularity);
        int channels = samples.length;
        // Every channel has seen the same number of values, so its sample has the same size.
        INDArray x = Nd4j.createFromArray(samples);
        double[] bestError = new double[channels];
        double[] bestAlpha = new double[channels];
        java.util.Arrays.fill(bestError, Double.POSITIVE_INFINITY);
        for (int step = ALPHA_STEPS; step >= 0; step--) {
            double alpha = ALPHA_MIN + (1.0 - ALPHA_MIN) * step / ALPHA_STEPS;
            QuantParams p = clipped(r, alpha, bits, symmetry, 0);
            INDArray diff = x.sub(QuantPrimitives.fakeQuantize(x, p));
            double[] err = Transforms.pow(diff, 2, false).sum(1).toDoubleVector();
            for (int c = 0; c < channels; c++) {
                if (err[c] < bestError[c]) {
                    bestError[c] = err[c];
                    bestAlpha[c] = alpha;
                }
            }
        }
        double[] lo = new double[channels];
        double[] hi = new double[channels];
        for (int c = 0; c < channels; c++) {
            lo[c] = bestAlpha[c] * r[0][c];
            hi[c] = bestAlpha[c] * r[1][c];
        }
        return QuantPrimitives.choose(lo, hi, bits, symmetry, paramsAxis(granularity));
    }

    private static QuantParams clipped(double[][] r, double alpha, int bits, Symmetry symmetry, int axis) {
        int n = r[0].length;
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int c = 0; c < n; c++) {
            lo[c] = alpha * r[0][c];
            hi[c] = alpha * r[1][c];
        }
        return QuantPrimitives.choose(lo, hi, bits, symmetry, axis);
    }

    @Override
    public ObserverKind kind() {
        return ObserverKind.MSE;
    }
}
