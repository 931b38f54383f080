package io.qforge.jobs;

/**
 * What a running job is doing, in order, with the share of the whole job done when the phase
 * starts ({@link #start}) — TRAINING spreads 10%..90% over its epochs and steps.
 */
public enum JobPhase {
    LOADING(0.00), BASELINE(0.02), CALIBRATING(0.05), TRAINING(0.10), CONVERTING(0.90), EVALUATING(0.93),
    EXPORTING(0.97);

    public final double start;

    JobPhase(double start) {
        this.start = start;
    }

    /** Progress 0..1 during training: 0.10 + 0.80 * (completed epochs + step fraction) / epochs. */
    public static double trainingProgress(int epoch, int step, int stepsPerEpoch, int totalEpochs) {
        if (totalEpochs <= 0) return TRAINING.start;
        double inEpoch = stepsPerEpoch <= 0 ? 0 : Math.min(1.0, (double) step / stepsPerEpoch);
        double done = Math.max(0, epoch - 1) + inEpoch;
        return TRAINING.start + (CONVERTING.start - TRAINING.start) * Math.min(1.0, done / totalEpochs);
    }
}
