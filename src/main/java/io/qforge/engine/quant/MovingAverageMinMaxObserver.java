package io.qforge.engine.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exponential moving averages of the batch minimum and maximum:
 * {@code m <- (1 - c) m + c * batch_min} (likewise max), {@code c = 0.01} by default; the first
 * batch initializes {@code m} to its own min/max. Per channel along {@code axis}, the per-tensor
 * range is averaged separately (the average of the batch's global min, not the min of the
 * per-channel averages).
 */
public final class MovingAverageMinMaxObserver extends AbstractObserver {
    public static final double DEFAULT_AVERAGING_CONSTANT = 0.01;

    private final double c;
    private double[] min;
    private double[] max;
    private double tensorMin;
    private double tensorMax;

    public MovingAverageMinMaxObserver(int axis) {
        this(axis, DEFAULT_AVERAGING_CONSTANT);
    }

    /** @param averagingConstant {@code c} in (0, 1] */
    public MovingAverageMinMaxObserver(int axis, double averagingConstant) {
        super(axis);
        if (!(averagingConstant > 0 && averagingConstant <= 1)) {
            throw new IllegalArgumentException("MOVING_AVERAGE_MIN_MAX observer: averagingConstant "
                    + averagingConstant + " is not allowed (0 < c <= 1)");
        }
        this.c = averagingConstant;
    }

    @Override
    public INDArray observe(INDArray x) {
        checkInput(x);
        double[][] mm = channelMinMax(x);
        double[] lo = mm[0];
        double[] hi = mm[1];
        checkSameChannels("MOVING_AVERAGE_MIN_MAX", min, lo);
        double tLo;
        double tHi;
        if (FakeQuantKernels.plain(x)) {
            // the tensor's min/max is the min/max of its channels' (float32 values, exact)
            tLo = Double.POSITIVE_INFINITY;
            tHi = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < lo.length; k++) {
                tLo = Math.min(tLo, lo[k]);
                tHi = Math.max(tHi, hi[k]);
            }
        } else {
            tLo = x.minNumber().doubleValue();
            tHi = x.maxNumber().doubleValue();
        }
        if (min == null) {
            min = lo;
            max = hi;
            tensorMin = tLo;
            tensorMax = tHi;
        } else {
            for (int k = 0; k < lo.length; k++) {
                min[k] = (1 - c) * min[k] + c * lo[k];
                max[k] = (1 - c) * max[k] + c * hi[k];
            }
            tensorMin = (1 - c) * tensorMin + c * tLo;
            tensorMax = (1 - c) * tensorMax + c * tHi;
        }
        return x;
    }

    @Override
    public QuantParams encoding(int bits, Symmetry symmetry, Granularity granularity) {
        checkEncodingRequest(granularity);
        if (granularity == Granularity.PER_CHANNEL) {
            return QuantPrimitives.choose(min, max, bits, symmetry, axis);
        }
        return QuantPrimitives.choose(new double[] {tensorMin}, new double[] {tensorMax}, bits, symmetry,
                QuantParams.PER_TENSOR_AXIS);
    }

    public double[] min() {
        return min == null ? null : min.clone();
    }

    public double[] max() {
        return max == null ? null : max.clone();
    }

    /** Per-tensor moving averages {@code [min, max]} (NaN before any observation). */
    public double[] tensorRange() {
        return min == null ? new double[] {Double.NaN, Double.NaN} : new double[] {tensorMin, tensorMax};
    }

    /**
     * Restores statistics saved with {@link #min()}, {@link #max()} and {@link #tensorRange()}
     * (checkpoint resume), so the averages continue where they were.
     */
    public void restore(double[] savedMin, double[] savedMax, double[] savedTensorRange) {
        if (savedMin.length != savedMax.length || savedMin.length == 0 || (axis < 0 && savedMin.length != 1)
                || savedTensorRange.length != 2) {
            throw new IllegalArgumentException("MOVING_AVERAGE_MIN_MAX observer: cannot restore " + savedMin.length
                    + " minima, " + savedMax.length + " maxima and a " + savedTensorRange.length + "-value range");
        }
        min = savedMin.clone();
        max = savedMax.clone();
        tensorMin = savedTensorRange[0];
        tensorMax = savedTensorRange[1];
    }

    @Override
    public boolean hasObservations() {
        return min != null;
    }

    @Override
    public ObserverKind kind() {
        return ObserverKind.MOVING_AVERAGE_MIN_MAX;
    }

    @Override
    public void reset() {
        min = null;
        max = null;
    }
}
