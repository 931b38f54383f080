package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineSpecsTest {
    /** Evaluation passes take the job's batch size, so their memory is bounded like a training step's. */
    @Test
    void everyEvaluationRunsInBatchesOfTheJobsBatchSize() {
        var d = JobSpec.defaults();
        for (int batch : new int[] {1, 32, 64, 1024}) {
            var spec = new JobSpec(d.weightBits(), d.activationBits(), d.weightGranularity(), d.activationSymmetry(),
                    d.observer(), d.calibrationBatches(), d.learnedRanges(), d.epochs(), d.learningRate(), d.schedule(),
                    d.optimizer(), d.momentum(), d.weightDecay(), batch, d.freezeBatchNormAfterEpoch(),
                    d.freezeObserversAfterEpoch(), d.seed());
            var engine = EngineSpecs.toEngine(spec);
            assertThat(engine.evalBatchSize()).isEqualTo(batch);
            assertThat(engine.train().batchSize()).isEqualTo(batch);
        }
    }
}
