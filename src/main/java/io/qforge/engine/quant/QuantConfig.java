package io.qforge.engine.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What to quantize and how: a validated value. Build one with {@link #builder()}; {@link #defaults()}
 * is the W8A8 scheme of QDQ.md.
 *
 * <p>Defaults and why:
 * <ul>
 * <li>{@code weightBits = activationBits = 8}; weights per output channel, symmetric (zero point 0,
 *     narrow range [-127, 127]); activations per tensor, asymmetric ([-128, 127]).</li>
 * <li>{@code activationObserver = MOVING_AVERAGE_MIN_MAX}: what PyTorch's default QAT qconfig uses
 *     for activations; during QAT it follows the ranges as the weights move, and one outlier batch
 *     does not fix the range forever. {@code weightObserver = MIN_MAX}: weights are seen whole at
 *     every step, so the current min/max is exact (PyTorch's per-channel min-max weight observer).</li>
 * <li>{@code percentile = 99.99}, used only by the PERCENTILE observer; allowed (90, 100].</li>
 * <li>{@code calibrationBatches = 16} batches observed before training starts (PTQ ranges).</li>
 * <li>{@code learnedRanges = false}: LSQ (learned step size) is opt-in.</li>
 * <li>{@code freezeBatchNormAfterEpoch = 3}, {@code freezeObserversAfterEpoch = 4}: torchvision's
 *     QAT recipe. "After epoch k" means: from the start of the (0-based) epoch with index k, i.e.
 *     after k completed epochs; 0 freezes from the start; {@link #NEVER} (-1) never freezes.
 *     A job with fewer epochs than these never freezes.</li>
 * </ul>
 */
public record QuantConfig(
        int weightBits,
        int activationBits,
        Granularity weightGranularity,
        Symmetry weightSymmetry,
        Symmetry activationSymmetry,
        ObserverKind weightObserver,
        ObserverKind activationObserver,
        double percentile,
        int calibrationBatches,
        boolean learnedRanges,
        int freezeObserversAfterEpoch,
        int freezeBatchNormAfterEpoch) {

    /** Value of the freeze fields meaning "never freeze". */
    public static final int NEVER = -1;
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 8;

    /** Validates; throws {@link QuantConfigException} listing every invalid field. */
    public QuantConfig {
        List<String> errors = new ArrayList<>();
        checkBits(errors, "weightBits", weightBits);
        checkBits(errors, "activationBits", activationBits);
        checkNotNull(errors, "weightGranularity", weightGranularity, Granularity.values());
        checkNotNull(errors, "weightSymmetry", weightSymmetry, Symmetry.values());
        checkNotNull(errors, "activationSymmetry", activationSymmetry, Symmetry.values());
        checkNotNull(errors, "weightObserver", weightObserver, ObserverKind.values());
        checkNotNull(errors, "activationObserver", activationObserver, ObserverKind.values());
        if (!(percentile > 90 && percentile <= 100)) {
            errors.add("percentile: " + percentile + " is not allowed (90 < percentile <= 100)");
        }
        if (calibrationBatches < 1) {
            errors.add("calibrationBatches: " + calibrationBatches + " is not allowed (>= 1)");
        }
        checkFreeze(errors, "freezeObserversAfterEpoch", freezeObserversAfterEpoch);
        checkFreeze(errors, "freezeBatchNormAfterEpoch", freezeBatchNormAfterEpoch);
        if (!errors.isEmpty()) {
            throw new QuantConfigException(errors);
        }
    }

    public static QuantConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder()
                .weightBits(weightBits).activationBits(activationBits)
                .weightGranularity(weightGranularity)
                .weightSymmetry(weightSymmetry).activationSymmetry(activationSymmetry)
                .weightObserver(weightObserver).activationObserver(activationObserver)
                .percentile(percentile).calibrationBatches(calibrationBatches)
                .learnedRanges(learnedRanges)
                .freezeObserversAfterEpoch(freezeObserversAfterEpoch)
                .freezeBatchNormAfterEpoch(freezeBatchNormAfterEpoch);
    }

    /** True when observers stop updating at the start of the 0-based {@code epoch}. */
    public boolean observersFrozenAt(int epoch) {
        return freezeObserversAfterEpoch != NEVER && epoch >= freezeObserversAfterEpoch;
    }

    /** True when BatchNorm uses (and stops updating) its running statistics at the start of {@code epoch}. */
    public boolean batchNormFrozenAt(int epoch) {
        return freezeBatchNormAfterEpoch != NEVER && epoch >= freezeBatchNormAfterEpoch;
    }

    /** Integer range of the weights: narrow when symmetric. */
    public IntRange weightRange() {
        return IntRange.of(weightBits, weightSymmetry);
    }

    /** Integer range of the activations. */
    public IntRange activationRange() {
        return IntRange.of(activationBits, activationSymmetry);
    }

    private static void checkBits(List<String> errors, String field, int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            errors.add(field + ": " + bits + " is not allowed (" + MIN_BITS + ".." + MAX_BITS + ")");
        }
    }

    private static void checkNotNull(List<String> errors, String field, Object value, Object[] allowed) {
        if (value == null) {
            errors.add(field + ": null is not allowed (one of " + Arrays.toString(allowed) + ")");
        }
    }

    private static void checkFreeze(List<String> errors, String field, int epoch) {
        if (epoch < NEVER) {
            errors.add(field + ": " + epoch + " is not allowed (>= 0, or -1 for never)");
        }
    }

    /** Mutable builder with the documented defaults; {@link #build()} validates. */
    public static final class Builder {
        private int weightBits = 8;
        private int activationBits = 8;
        private Granularity weightGranularity = Granularity.PER_CHANNEL;
        private Symmetry weightSymmetry = Symmetry.SYMMETRIC;
        private Symmetry activationSymmetry = Symmetry.ASYMMETRIC;
        private ObserverKind weightObserver = ObserverKind.MIN_MAX;
        private ObserverKind activationObserver = ObserverKind.MOVING_AVERAGE_MIN_MAX;
        private double percentile = 99.99;
        private int calibrationBatches = 16;
        private boolean learnedRanges = false;
        private int freezeObserversAfterEpoch = 4;
        private int freezeBatchNormAfterEpoch = 3;

        private Builder() {
        }

        public Builder weightBits(int v) {
            weightBits = v;
            return this;
        }

        public Builder activationBits(int v) {
            activationBits = v;
            return this;
        }

        public Builder weightGranularity(Granularity v) {
            weightGranularity = v;
            return this;
        }

        public Builder weightSymmetry(Symmetry v) {
            weightSymmetry = v;
            return this;
        }

        public Builder activationSymmetry(Symmetry v) {
            activationSymmetry = v;
            return this;
        }

        public Builder weightObserver(ObserverKind v) {
            weightObserver = v;
            return this;
        }

        public Builder activationObserver(ObserverKind v) {
            activationObserver = v;
            return this;
        }

        public Builder percentile(double v) {
            percentile = v;
            return this;
        }

        public Builder calibrationBatches(int v) {
            calibrationBatches = v;
            return this;
        }

        public Builder learnedRanges(boolean v) {
            learnedRanges = v;
            return this;
        }

        /** 0-based epoch from which observers stop updating; {@link QuantConfig#NEVER} for never. */
        public Builder freezeObserversAfterEpoch(int v) {
            freezeObserversAfterEpoch = v;
            return this;
        }

        /** 0-based epoch from which BatchNorm statistics are frozen; {@link QuantConfig#NEVER} for never. */
        public Builder freezeBatchNormAfterEpoch(int v) {
            freezeBatchNormAfterEpoch = v;
            return this;
        }

        public QuantConfig build() {
            return new QuantConfig(weightBits, activationBits, weightGranularity, weightSymmetry,
                    activationSymmetry, weightObserver, activationObserver, percentile,
                    calibrationBatches, learnedRanges, freezeObserversAfterEpoch,
                    freezeBatchNormAfterEpoch);
        }
    }
}
