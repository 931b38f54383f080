package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.train.Evaluator;
import io.qforge.engine.train.Metrics;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainResult;
import io.qforge.engine.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** W8A8 PTQ and a short QAT on the fixtures; the accuracies are printed. */
class PtqQatAccuracyTest {
    private static final int BATCH = 64;

    static double fp32Accuracy(Fixtures.Model fx, Dataset data) {
        return Evaluator.evaluate(new Executor(fx.graph()), data.xTest(), data.yTest(), 256).accuracy();
    }

    static QatModel ptq(Fixtures.Model fx, Dataset data, QuantConfig cfg) {
        QatModel m = QatModel.prepare(fx.graph(), cfg);
        Calibrator.calibrate(m, data.xTrain(), BATCH, cfg.calibrationBatches());
        return m;
    }

    static double accuracy(QatModel m, Dataset data) {
        return Evaluator.evaluate(m.executor(), data.xTest(), data.yTest(), 256).accuracy();
    }

    @Test
    void ptqAtW8A8StaysWithinTwoPointsOfFp32OnLenetAndResnet() {
        for (Fixtures.Model fx : new Fixtures.Model[] {Fixtures.LENET, Fixtures.RESNET}) {
            Dataset data = fx.data();
            double fp32 = fp32Accuracy(fx, data);
            QatModel m = ptq(fx, data, QuantConfig.defaults());
            double ptq = accuracy(m, data);
            INDArray simulated = Evaluator.predictAll(m.executor(), data.xTest(), 256);
            INDArray float32 = Evaluator.predictAll(new Executor(fx.graph()), data.xTest(), 256);
            double diff = simulated.sub(float32).amaxNumber().doubleValue();
            System.out.printf("ACCURACY %-10s FP32 %.4f  PTQ W8A8 %.4f  (max |logit diff| %.4f)%n", fx, fp32, ptq, diff);
            assertThat(diff).as("fake quantization is active").isGreaterThan(1e-3);
            assertThat(ptq).as(fx.name()).isGreaterThanOrEqualTo(fp32 - 0.02);
        }
    }

    @Test
    void oneEpochOfQatOnLenetKeepsAtLeastPtqAccuracy() {
        Fixtures.Model fx = Fixtures.LENET;
        Dataset data = fx.data();
        double fp32 = fp32Accuracy(fx, data);
        QatModel m = ptq(fx, data, QuantConfig.defaults());
        double ptq = accuracy(m, data);
        TrainConfig train = TrainConfig.defaults().withEpochs(1).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, 1e-4);
        TrainResult r = QatTrainer.fit(m, data, train, TrainingListener.NONE, () -> false);
        Metrics reported = r.epochs().get(0).test();
        double qat = accuracy(m, data);
        System.out.printf("ACCURACY %-10s FP32 %.4f  PTQ W8A8 %.4f  QAT W8A8 (1 epoch) %.4f%n", fx, fp32, ptq, qat);
        assertThat(reported.accuracy()).as("the epoch's test evaluation is the QAT model's").isEqualTo(qat);
        assertThat(qat).isGreaterThanOrEqualTo(ptq - 0.01);
    }

    @Test
    void learnedRangesTrainTheScalesAndHandThemToTheQuantizers() {
        Fixtures.Model fx = Fixtures.LENET;
        Dataset data = fx.data();
        QuantConfig cfg = QuantConfig.builder().weightBits(4).activationBits(4).learnedRanges(true).build();
        QatModel m = ptq(fx, data, cfg);
        double ptq = accuracy(m, data);
        double before = m.params("/Relu_output_0").scale(0);
        double[] wBefore = m.params("conv2.weight").scales();
        TrainConfig train = TrainConfig.defaults().withEpochs(1).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, 1e-3);
        QatTrainer.fit(m, data, train, TrainingListener.NONE, () -> false);
        double qat = accuracy(m, data);
        double after = m.params("/Relu_output_0").scale(0);
        System.out.printf("ACCURACY %-10s PTQ W4A4 %.4f  QAT W4A4 LSQ (1 epoch) %.4f; act scale %.5f -> %.5f%n",
                fx, ptq, qat, before, after);
        assertThat(after).isNotEqualTo(before);
        assertThat(m.params("conv2.weight").scales()).isNotEqualTo(wBefore);
        assertThat(m.quantizer("/Relu_output_0").params()).isEqualTo(m.params("/Relu_output_0"));
        assertThat(qat).isGreaterThanOrEqualTo(ptq - 0.02);
    }
}
