package io.qforge.engine.train;

/** Progress callbacks of {@link Trainer}; all default to doing nothing. */
public interface TrainingListener {

    /** Before the first step of each epoch (0-based); QAT flips its observer switches here. */
    default void onEpochStart(int epoch) {
    }

    /**
     * After each optimizer step.
     *
     * @param epoch 0-based epoch; {@code step} 0-based within it, of {@code stepsPerEpoch}
     * @param loss the batch's mean loss; {@code accuracy} the batch's top-1 accuracy
     */
    default void onStep(int epoch, int step, int stepsPerEpoch, double loss, double accuracy,
                        double imagesPerSecond) {
    }

    /** After each epoch, with the training metrics over the epoch and the test-set evaluation. */
    default void onEpoch(EpochResult result) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
