package io.qforge.engine.train;

import java.util.ArrayList;
import java.util.List;

/**
 * How to fine-tune: optimizer, learning rate and its schedule, weight decay, batch size,
 * epochs, seed (same seed, same batches, same result) and when BatchNorm statistics freeze.
 *
 * @param freezeBatchNormAfterEpoch BatchNorm uses and keeps its running statistics from this
 *     epoch on (0 = frozen from the start; -1 = never frozen)
 */
public record TrainConfig(int epochs, int batchSize, OptimizerKind optimizer, double learningRate,
                          double momentum, double weightDecay, ScheduleKind schedule, int stepEpochs,
                          double stepGamma, long seed, int freezeBatchNormAfterEpoch) {

    public enum OptimizerKind { SGD, ADAM }

    public enum ScheduleKind { CONSTANT, COSINE, STEP }

    public TrainConfig {
        List<String> errors = new ArrayList<>();
        if (epochs < 0 || epochs > 1000) errors.add("epochs: " + epochs + " is not allowed (0..1000)");
        if (batchSize < 1 || batchSize > 65536) errors.add("batchSize: " + batchSize + " is not allowed (1..65536)");
        if (optimizer == null) errors.add("optimizer: missing (SGD or ADAM)");
        if (!(learningRate > 0 && learningRate <= 10)) errors.add("learningRate: " + learningRate + " is not allowed (0 < lr <= 10)");
        if (!(momentum >= 0 && momentum < 1)) errors.add("momentum: " + momentum + " is not allowed (0 <= m < 1)");
        if (!(weightDecay >= 0 && weightDecay < 1)) errors.add("weightDecay: " + weightDecay + " is not allowed (0 <= wd < 1)");
        if (schedule == null) errors.add("schedule: missing (CONSTANT, COSINE or STEP)");
        if (stepEpochs < 1) errors.add("stepEpochs: " + stepEpochs + " is not allowed (>= 1)");
        if (!(stepGamma > 0 && stepGamma <= 1)) errors.add("stepGamma: " + stepGamma + " is not allowed (0 < gamma <= 1)");
        if (freezeBatchNormAfterEpoch < -1) errors.add("freezeBatchNormAfterEpoch: " + freezeBatchNormAfterEpoch + " is not allowed (-1 = never, or >= 0)");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid training config: " + String.join("; ", errors));
        }
    }

    /** Adam, lr 1e-3, cosine decay, batch 64, 3 epochs, seed 0, BatchNorm never frozen. */
    public static TrainConfig defaults() {
        return new TrainConfig(3, 64, OptimizerKind.ADAM, 1e-3, 0.9, 0.0, ScheduleKind.COSINE, 1, 0.1, 0, -1);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, optimizer, learningRate, momentum, weightDecay, schedule, stepEpochs, stepGamma, seed, freezeBatchNormAfterEpoch);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, optimizer, learningRate, momentum, weightDecay, schedule, stepEpochs, stepGamma, seed, freezeBatchNormAfterEpoch);
    }

    public TrainConfig withOptimizer(OptimizerKind o, double lr) {
        return new TrainConfig(epochs, batchSize, o, lr, momentum, weightDecay, schedule, stepEpochs, stepGamma, seed, freezeBatchNormAfterEpoch);
    }

    public TrainConfig withSchedule(ScheduleKind s) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, s, stepEpochs, stepGamma, seed, freezeBatchNormAfterEpoch);
    }

    public TrainConfig withWeightDecay(double wd) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, wd, schedule, stepEpochs, stepGamma, seed, freezeBatchNormAfterEpoch);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, schedule, stepEpochs, stepGamma, s, freezeBatchNormAfterEpoch);
    }

    public TrainConfig withFreezeBatchNormAfterEpoch(int e) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, weightDecay, schedule, stepEpochs, stepGamma, seed, e);
    }
}
