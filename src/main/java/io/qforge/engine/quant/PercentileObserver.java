package io.qforge.engine.quant;

import java.util.Arrays;

/**
 * Clipping range from a percentile of the values seen: symmetric, {@code absMax = P_p(|x|)};
 * asymmetric, {@code [P_(100-p)(x), P_p(x)]} (then widened to include 0). Percentiles use linear
 * interpolation between order statistics (numpy's default) over a bounded uniform random sample of
 * all values seen ({@link SamplingObserver}); with the default 131072-value sample and p = 99.99
 * the top 13 sampled values lie above the clip.
 */
public final class PercentileObserver extends SamplingObserver {
    private final double percentile;

    public PercentileObserver(int axis, double percentile) {
        this(axis, percentile, defaultCapacity(axis));
    }

    /** @param percentile p in (90, 100]; @param capacity sample size per channel */
    public PercentileObserver(int axis, double percentile, int capacity) {
        super(axis, capacity);
        if (!(percentile > 90 && percentile <= 100)) {
            throw new IllegalArgumentException("PERCENTILE observer: percentile " + percentile
                    + " is not allowed (90 < percentile <= 100)");
        }
        this.percentile = percentile;
    }

    @Override
    public QuantParams encoding(int bits, Symmetry symmetry, Granularity granularity) {
        checkEncodingRequest(granularity);
        double[][] samples = samples(granularity);
        double[] lo = new double[samples.length];
        double[] hi = new double[samples.length];
        for (int c = 0; c < samples.length; c++) {
            double[] v = samples[c];
            if (symmetry == Symmetry.SYMMETRIC) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.abs(v[i]);
                }
                Arrays.sort(v);
                hi[c] = percentile(v, percentile);
                lo[c] = -hi[c];
            } else {
                Arrays.sort(v);
                lo[c] = percentile(v, 100 - percentile);
                hi[c] = percentile(v, percentile);
            }
        }
        return QuantPrimitives.choose(lo, hi, bits, symmetry, paramsAxis(granularity));
    }

    /** p-th percentile (0..100) of sorted values, linear interpolation between order statistics. */
    static double percentile(double[] sorted, double p) {
        double pos = p / 100.0 * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double frac = pos - i;
        return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
    }

    public double percentile() {
        return percentile;
    }

    @Override
    public ObserverKind kind() {
        return ObserverKind.PERCENTILE;
    }
}
