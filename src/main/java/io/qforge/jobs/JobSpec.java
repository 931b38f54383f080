package io.qforge.jobs;

/**
 * A QAT job's settings, every field resolved (defaults applied by {@link JobSpecParser}). Mirrors
 * the engine's quantization and training configuration.
 *
 * @param weightBits bits per weight, 2..8 (default 8)
 * @param activationBits bits per activation, 2..8 (default 8)
 * @param weightGranularity one scale per output channel or per tensor (default PER_CHANNEL)
 * @param activationSymmetry ASYMMETRIC (zero point free) or SYMMETRIC (zero point 0) (default ASYMMETRIC)
 * @param observer how activation ranges are estimated during calibration (default MOVING_AVERAGE_MIN_MAX)
 * @param calibrationBatches training batches fed to the observers before QAT, 1..10000 (default 16)
 * @param learnedRanges learn quantizer scales by gradient (LSQ) instead of observing them (default false)
 * @param epochs QAT fine-tuning epochs, 0..1000 (default 3; 0 = PTQ only)
 * @param learningRate 0 < lr <= 10 (default 1e-4)
 * @param schedule learning-rate schedule (default COSINE)
 * @param optimizer SGD or ADAM (default ADAM)
 * @param momentum SGD momentum / Adam beta1, 0 <= m < 1 (default 0.9)
 * @param weightDecay 0 <= wd < 1 (default 0)
 * @param batchSize 1..65536 (default 64)
 * @param freezeBatchNormAfterEpoch BatchNorm statistics frozen from this epoch on; -1 = never (default -1)
 * @param freezeObserversAfterEpoch observer ranges frozen from this epoch on; -1 = never (default -1)
 * @param seed shuffling and initialization seed (default 0)
 */
public record JobSpec(int weightBits, int activationBits, Granularity weightGranularity, Symmetry activationSymmetry,
                      Observer observer, int calibrationBatches, boolean learnedRanges, int epochs, double learningRate,
                      Schedule schedule, Optimizer optimizer, double momentum, double weightDecay, int batchSize,
                      int freezeBatchNormAfterEpoch, int freezeObserversAfterEpoch, long seed) {

    public enum Granularity { PER_CHANNEL, PER_TENSOR }

    public enum Symmetry { SYMMETRIC, ASYMMETRIC }

    public enum Observer { MIN_MAX, MOVING_AVERAGE_MIN_MAX, PERCENTILE, MSE }

    public enum Schedule { COSINE, STEP, CONSTANT }

    public enum Optimizer { SGD, ADAM }

    public static JobSpec defaults() {
        return new JobSpec(8, 8, Granularity.PER_CHANNEL, Symmetry.ASYMMETRIC, Observer.MOVING_AVERAGE_MIN_MAX, 16,
                false, 3, 1e-4, Schedule.COSINE, Optimizer.ADAM, 0.9, 0.0, 64, -1, -1, 0L);
    }
}
