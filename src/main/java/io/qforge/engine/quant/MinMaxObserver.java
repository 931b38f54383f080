package io.qforge.engine.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Running minimum and maximum over every tensor seen (per channel along {@code axis}, or per tensor). */
public final class MinMaxObserver extends AbstractObserver {
    private double[] min;
    private double[] max;

    /** @param axis channel axis (0 for Conv/Gemm weights), or -1 per tensor */
    public MinMaxObserver(int axis) {
        super(axis);
    }

    @Override
    public INDArray observe(INDArray x) {
        checkInput(x);
        double[][] mm = channelMinMax(x);
        double[] lo = mm[0];
        double[] hi = mm[1];
        checkSameChannels("MIN_MAX", min, lo);
        if (min == null) {
            min = lo;
            max = hi;
        } else {
            for (int c = 0; c < lo.length; c++) {
                min[c] = Math.min(min[c], lo[c]);
                max[c] = Math.max(max[c], hi[c]);
            }
        }
        return x;
    }

    @Override
    public QuantParams encoding(int bits, Symmetry symmetry, Granularity granularity) {
        checkEncodingRequest(granularity);
        double[][] r = reduce(min, max, granularity);
        return QuantPrimitives.choose(r[0], r[1], bits, symmetry, paramsAxis(granularity));
    }

    /** Running minima (one per channel, or one). */
    public double[] min() {
        return min == null ? null : min.clone();
    }

    public double[] max() {
        return max == null ? null : max.clone();
    }

    /** Restores statistics saved with {@link #min()} / {@link #max()} (checkpoint resume). */
    public void restore(double[] savedMin, double[] savedMax) {
        if (savedMin.length != savedMax.length || savedMin.length == 0 || (axis < 0 && savedMin.length != 1)) {
            throw new IllegalArgumentException("MIN_MAX observer: cannot restore " + savedMin.length + " minima and "
                    + savedMax.length + " maxima");
        }
        min = savedMin.clone();
        max = savedMax.clone();
    }

    @Override
    public boolean hasObservations() {
        return min != null;
    }

    @Override
    public ObserverKind kind() {
        return ObserverKind.MIN_MAX;
    }

    @Override
    public void reset() {
        min = null;
        max = null;
    }
}
