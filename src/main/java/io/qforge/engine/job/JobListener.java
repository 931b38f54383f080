package io.qforge.engine.job;

import io.qforge.engine.train.EpochResult;

/** What a running job reports. Every method defaults to doing nothing. */
public interface JobListener {

    default void phase(JobPhase phase) {
    }

    /** After each QAT training step (0-based epoch and step). */
    default void step(int epoch, int totalEpochs, int step, int stepsPerEpoch, double loss, double accuracy,
                      double imagesPerSecond) {
    }

    /** After each QAT epoch, with its test-set evaluation (fake-quant simulation). */
    default void epoch(EpochResult result, int totalEpochs) {
    }

    /**
     * A checkpoint after {@code epochsDone} finished epochs; pass {@code state} back to
     * {@link QatJob#run} to resume from there.
     */
    default void checkpoint(int epochsDone, byte[] state) {
    }

    /**
     * How long one step inside a phase took (a diagnostic for where a job's time goes, e.g.
     * {@code "ptq.simulation"}, {@code "ort.latency"}); called after the step ends.
     */
    default void timing(String step, double seconds) {
    }

    JobListener NONE = new JobListener() {
    };
}
