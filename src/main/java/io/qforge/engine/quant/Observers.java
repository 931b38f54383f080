package io.qforge.engine.quant;

/** Builds the observer a {@link QuantConfig} asks for. */
public final class Observers {
    private Observers() {
    }

    /**
     * @param axis       channel axis to keep statistics along, or -1 per tensor
     * @param percentile used by {@link ObserverKind#PERCENTILE} only
     */
    public static Observer create(ObserverKind kind, int axis, double percentile) {
        return switch (kind) {
            case MIN_MAX -> new MinMaxObserver(axis);
            case MOVING_AVERAGE_MIN_MAX -> new MovingAverageMinMaxObserver(axis);
            case PERCENTILE -> new PercentileObserver(axis, percentile);
            case MSE -> new MseObserver(axis);
        };
    }

    /** Weight observer: per channel along {@code channelAxis} when the config says PER_CHANNEL. */
    public static Observer forWeights(QuantConfig config, int channelAxis) {
        int axis = config.weightGranularity() == Granularity.PER_CHANNEL ? channelAxis : -1;
        return create(config.weightObserver(), axis, config.percentile());
    }

    /** Activation observer: always per tensor. */
    public static Observer forActivations(QuantConfig config) {
        return create(config.activationObserver(), -1, config.percentile());
    }
}
