package io.qforge.engine.train;

/**
 * Learning rate at a step. Cosine: {@code lr * (1 + cos(pi * t / T)) / 2} over all steps
 * {@code T}; step: {@code lr * gamma^floor(epoch / stepEpochs)}; constant: {@code lr}.
 */
public final class LearningRateSchedule {
    private LearningRateSchedule() {
    }

    public static double at(TrainConfig cfg, int epoch, long step, long totalSteps) {
        return switch (cfg.schedule()) {
            case CONSTANT -> cfg.learningRate();
            case COSINE -> totalSteps <= 0 ? cfg.learningRate()
                    : cfg.learningRate() * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps));
            case STEP -> cfg.learningRate() * Math.pow(cfg.stepGamma(), epoch / cfg.stepEpochs());
        };
    }
}
