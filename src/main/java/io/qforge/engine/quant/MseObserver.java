package io.qforge.engine.quant;

/**
 * Clipping range that minimizes the quantization error: among {@code alpha} in
 * {0.30, 0.31, ..., 1.00} (71 candidates), the range {@code alpha * [min, max]} (symmetric:
 * {@code alpha * max|x|}) whose fake quantization gives the smallest {@code ||x - fq(x)||^2}, per
 * channel or per tensor. {@code min}/{@code max} are the exact running extremes; the error is
 * measured in float64 on the bounded uniform random sample ({@link SamplingObserver}). Ties go to
 * the larger alpha. Scaling both ends by the same alpha keeps the zero point's position for
 * asymmetric ranges.
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
        double[] lo = new double[channels];
        double[] hi = new double[channels];
        for (int c = 0; c < channels; c++) {
            double bestError = Double.POSITIVE_INFINITY;
            double bestAlpha = 1.0;
            for (int step = ALPHA_STEPS; step >= 0; step--) {
                double alpha = ALPHA_MIN + (1.0 - ALPHA_MIN) * step / ALPHA_STEPS;
                QuantParams p = QuantPrimitives.choose(new double[] {alpha * r[0][c]}, new double[] {alpha * r[1][c]},
                        bits, symmetry, QuantParams.PER_TENSOR_AXIS);
                double err = squaredError(samples[c], p.scale(0), p.zeroPoint(0), p.qmin(), p.qmax());
                if (err < bestError) {
                    bestError = err;
                    bestAlpha = alpha;
                }
            }
            lo[c] = bestAlpha * r[0][c];
            hi[c] = bestAlpha * r[1][c];
        }
        return QuantPrimitives.choose(lo, hi, bits, symmetry, paramsAxis(granularity));
    }

    /**
     * {@code sum (x - s (clamp(rint(x/s) + z, qmin, qmax) - z))^2} over a bounded sample (at most
     * the sample capacity per channel), so a plain loop is cheaper than 71 rounds of ND4J calls.
     */
    static double squaredError(double[] x, double s, int z, int qmin, int qmax) {
        double sum = 0;
        for (double v : x) {
            double q = Math.max(qmin, Math.min(qmax, Math.rint(v / s) + z));
            double d = v - s * (q - z);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public ObserverKind kind() {
        return ObserverKind.MSE;
    }
}
