package io.qforge.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void cosineStartsAtTheRateHalvesMidwayAndEndsAtZero() {
        TrainConfig cfg = TrainConfig.defaults().withOptimizer(TrainConfig.OptimizerKind.SGD, 0.1);
        assertThat(LearningRateSchedule.at(cfg, 0, 0, 100)).isCloseTo(0.1, within(1e-12));
        assertThat(LearningRateSchedule.at(cfg, 1, 50, 100)).isCloseTo(0.05, within(1e-12));
        assertThat(LearningRateSchedule.at(cfg, 2, 100, 100)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void stepDecaysByGammaEveryStepEpochs() {
        TrainConfig cfg = new TrainConfig(6, 32, TrainConfig.OptimizerKind.SGD, 0.1, 0.9, 0, TrainConfig.ScheduleKind.STEP, 2, 0.5, 0, -1);
        assertThat(LearningRateSchedule.at(cfg, 1, 0, 0)).isCloseTo(0.1, within(1e-12));
        assertThat(LearningRateSchedule.at(cfg, 2, 0, 0)).isCloseTo(0.05, within(1e-12));
        assertThat(LearningRateSchedule.at(cfg, 5, 0, 0)).isCloseTo(0.025, within(1e-12));
    }

    @Test
    void invalidConfigNamesEveryBadField() {
        assertThatThrownBy(() -> new TrainConfig(-1, 0, TrainConfig.OptimizerKind.SGD, 0, 0.9, 0, TrainConfig.ScheduleKind.STEP, 1, 0.1, 0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epochs: -1 is not allowed (0..1000)")
                .hasMessageContaining("batchSize: 0 is not allowed (1..65536)")
                .hasMessageContaining("learningRate: 0.0 is not allowed");
    }
}
