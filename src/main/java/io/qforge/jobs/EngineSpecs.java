package io.qforge.jobs;

import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.quant.Granularity;
import io.qforge.engine.quant.ObserverKind;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.Symmetry;
import io.qforge.engine.train.TrainConfig;

/**
 * The service's job spec as the engine's validated configs. Weights are always symmetric (the
 * QDQ convention, QDQ.md); {@code observer} chooses the activation observer, weights use min-max;
 * the STEP schedule decays the learning rate by 10x every epoch.
 */
final class EngineSpecs {

    private EngineSpecs() {
    }

    /** @throws IllegalArgumentException with the engine's message when a combination is refused */
    static QatJobSpec toEngine(JobSpec s) {
        QuantConfig quant = QuantConfig.builder()
                .weightBits(s.weightBits())
                .activationBits(s.activationBits())
                .weightGranularity(Granularity.valueOf(s.weightGranularity().name()))
                .weightSymmetry(Symmetry.SYMMETRIC)
                .activationSymmetry(Symmetry.valueOf(s.activationSymmetry().name()))
                .weightObserver(ObserverKind.MIN_MAX)
                .activationObserver(ObserverKind.valueOf(s.observer().name()))
                .calibrationBatches(s.calibrationBatches())
                .learnedRanges(s.learnedRanges())
                .freezeObserversAfterEpoch(s.freezeObserversAfterEpoch())
                .freezeBatchNormAfterEpoch(s.freezeBatchNormAfterEpoch())
                .build();
        TrainConfig train = new TrainConfig(s.epochs(), s.batchSize(), TrainConfig.OptimizerKind.valueOf(s.optimizer().name()),
                s.learningRate(), s.momentum(), s.weightDecay(), TrainConfig.ScheduleKind.valueOf(s.schedule().name()),
                1, 0.1, s.seed(), s.freezeBatchNormAfterEpoch());
        // Every evaluation pass (FP32, PTQ, simulation, integer engine, ORT, per-layer SQNR) runs in
        // batches of the job's batchSize: its memory is bounded by what a training step of the
        // user's choice takes. A fixed 256 made an efficientnet_b0 PTQ job peak at 10.5 GB (4.3 GB at 32).
        return new QatJobSpec(quant, train, s.batchSize());
    }
}
