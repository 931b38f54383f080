package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Observer and BatchNorm freezing at epoch boundaries during QAT. */
class QatScheduleTest {

    @Test
    void observersMoveInEpochZeroFreezeFromEpochOneAndNeverSeeTestData() {
        Dataset data = Fixtures.LENET.data();
        QuantConfig cfg = QuantConfig.builder().freezeObserversAfterEpoch(1).freezeBatchNormAfterEpoch(0).build();
        QatModel m = QatModel.prepare(Fixtures.LENET.graph(), cfg);
        Calibrator.calibrate(m, data.xTrain(), 64, 4);
        Map<String, INDArray> stats = new LinkedHashMap<>();
        for (String s : List.of("bn1.running_mean", "bn1.running_var", "bn2.running_var")) {
            stats.put(s, m.graph().initializer(s).dup());
        }
        List<QuantParams> seen = new ArrayList<>();
        seen.add(m.params("/Relu_1_output_0"));
        List<Boolean> observing = new ArrayList<>();
        TrainConfig train = TrainConfig.defaults().withEpochs(2).withBatchSize(128)
                .withOptimizer(TrainConfig.OptimizerKind.SGD, 1e-3);
        QatTrainer.fit(m, data, train, new TrainingListener() {
            @Override
            public void onEpochStart(int epoch) {
                observing.add(m.quantizer("/Relu_1_output_0").observerEnabled());
            }

            @Override
            public void onStep(int epoch, int step, int steps, double loss, double acc, double ips) {
                if (step == steps - 1) {
                    seen.add(m.params("/Relu_1_output_0"));   // after the last training step of the epoch
                }
            }

            @Override
            public void onEpoch(EpochResult r) {
                seen.add(m.params("/Relu_1_output_0"));       // after the test evaluation
            }
        }, () -> false);
        assertThat(observing).containsExactly(true, false);
        assertThat(seen).hasSize(5);
        assertThat(seen.get(1)).as("epoch 0 observed training data").isNotEqualTo(seen.get(0));
        assertThat(seen.get(2)).as("the test evaluation does not move the range").isEqualTo(seen.get(1));
        assertThat(seen.get(4)).as("frozen in epoch 1").isEqualTo(seen.get(2));
        assertThat(seen.get(3)).isEqualTo(seen.get(2));
        stats.forEach((k, v) -> assertThat(m.graph().initializer(k)).as(k + " (BN frozen from epoch 0)").isEqualTo(v));
        assertThat(m.quantizers().values()).allSatisfy(q -> {
            assertThat(q.observerEnabled()).isFalse();
            assertThat(q.fakeQuantEnabled()).isTrue();
        });
    }

    @Test
    void qatNeedsCalibrationFirst() {
        QatModel m = QatModel.prepare(Fixtures.MLP.graph(), QuantConfig.defaults());
        assertThatThrownBy(() -> QatTrainer.fit(m, Fixtures.MLP.data(), TrainConfig.defaults(), TrainingListener.NONE,
                () -> false)).isInstanceOf(IllegalStateException.class).hasMessageContaining("Calibrator.calibrate");
    }
}
