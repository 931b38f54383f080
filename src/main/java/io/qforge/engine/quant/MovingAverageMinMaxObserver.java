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
        double[] lo = channelMin(x);
        double[] hi = channelMax(x);
        checkSameChannels("MOVING_AVERAGE_MIN_MAX", min, lo);
        double tLo = x.minNumber().doubleValue();
        double tHi = x.maxNumber().doubleValue();
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
