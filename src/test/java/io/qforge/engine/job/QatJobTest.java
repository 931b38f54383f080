package io.qforge.engine.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.Fixtures;
import io.qforge.engine.export.OrtLatency;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.onnx.OnnxExporter;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class QatJobTest {

    private static QatJobSpec spec(int epochs) {
        TrainConfig train = TrainConfig.defaults().withEpochs(epochs).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, 1e-4);
        return new QatJobSpec(QuantConfig.defaults(), train, 256);
    }

    static List<Fixtures.Model> models() {
        return Fixtures.all();
    }

    /**
     * Item 7 of the quantization issue on every fixture (PTQ, no training, W8A8): the fake-quant
     * simulation, the integer engine and ONNX Runtime on the exported file agree.
     */
    @ParameterizedTest
    @MethodSource("models")
    void simulationIntegerEngineAndOnnxRuntimeAgree(Fixtures.Model model) {
        JobResult r = QatJob.run(model.bytes(), model.data(), spec(0), JobListener.NONE, () -> false, null);
        JobReport rep = r.report();
        System.out.printf("%s: fp32 %.4f ptq %.4f int8 %.4f ort %.4f | sim~int8 %.4f (1 LSB %.4f) int8~ort %.4f (1 LSB %.4f) | %d -> %d bytes%n",
                model, rep.fp32().accuracy(), rep.qatFakeQuant().accuracy(), rep.qatInt8().accuracy(), rep.qatOrt().accuracy(),
                rep.agreement().simulationVsInt8Top1(), rep.agreement().simulationVsInt8Within1Lsb(),
                rep.agreement().int8VsOrtTop1(), rep.agreement().int8VsOrtWithin1Lsb(),
                rep.sizes().fp32Bytes(), rep.sizes().int8Bytes());
        assertThat(rep.agreement().simulationVsInt8Top1()).isGreaterThanOrEqualTo(0.995);
        assertThat(rep.agreement().simulationVsInt8Within1Lsb()).isGreaterThanOrEqualTo(0.99);
        assertThat(rep.agreement().int8VsOrtTop1()).isGreaterThanOrEqualTo(0.995);
        assertThat(rep.agreement().int8VsOrtWithin1Lsb()).isGreaterThanOrEqualTo(0.99);
        assertThat(rep.ortUsesIntegerKernels()).as("ORT kernels %s", rep.ortKernels()).isTrue();
        assertThat(rep.layers()).isNotEmpty();
        var latency = rep.latency();
        System.out.printf("%s: ORT latency %s%n", model, latency.points());
        assertThat(latency.points()).extracting(OrtLatency.Point::batch).containsExactly(1, spec(0).train().batchSize());
        for (var p : latency.points()) {
            assertThat(p.fp32Ms()).isPositive();
            assertThat(p.int8Ms()).isPositive();
            assertThat(p.int8OverFp32()).isCloseTo(p.int8Ms() / p.fp32Ms(), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    /**
     * W4A4 with learned ranges after QAT (BN live while training) on the depthwise model: the
     * simulation adds the int32-grid bias like the integer engine (BiasRoundingOp), so they agree;
     * with a float bias they agreed on about 89-97% of images (BENCHMARKS.md).
     */
    /** A job gives its thread's workspaces back when it ends (an idle worker keeps no job's peak). */
    @Test
    void aJobLeavesNoWorkspaceOnItsThread() {
        QatJob.run(Fixtures.LENET.bytes(), Fixtures.LENET.data(), spec(1), JobListener.NONE, () -> false, null);
        assertThat(org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()).isEmpty();
    }

    @Test
    void w4a4LsqQatSimulationAgreesWithTheIntegerEngine() {
        TrainConfig train = TrainConfig.defaults().withEpochs(2).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, 1e-3);
        QuantConfig q = QuantConfig.builder().weightBits(4).activationBits(4).learnedRanges(true).build();
        JobResult r = QatJob.run(Fixtures.DWSEP.bytes(), Fixtures.DWSEP.data(), new QatJobSpec(q, train, 256),
                JobListener.NONE, () -> false, null);
        JobReport rep = r.report();
        System.out.printf("dwsep W4A4 LSQ QAT: qat %.4f int8 %.4f | sim~int8 %.4f (1 LSB %.4f) int8~ort %.4f%n",
                rep.qatFakeQuant().accuracy(), rep.qatInt8().accuracy(), rep.agreement().simulationVsInt8Top1(),
                rep.agreement().simulationVsInt8Within1Lsb(), rep.agreement().int8VsOrtTop1());
        assertThat(rep.agreement().simulationVsInt8Top1()).isGreaterThanOrEqualTo(0.99);
        assertThat(rep.agreement().simulationVsInt8Within1Lsb()).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void aShortQatJobReportsEveryAccuracyAndItsArtifactRunsInOnnxRuntime() throws Exception {
        Dataset data = Fixtures.RESNET.data();
        List<JobPhase> phases = new ArrayList<>();
        List<Integer> checkpoints = new ArrayList<>();
        JobResult r = QatJob.run(Fixtures.RESNET.bytes(), data, spec(1), new JobListener() {
            @Override
            public void phase(JobPhase p) {
                phases.add(p);
            }

            @Override
            public void checkpoint(int epochsDone, byte[] state) {
                checkpoints.add(epochsDone);
                assertThat(state).isNotEmpty();
            }
        }, () -> false, null);
        JobReport rep = r.report();
        assertThat(phases).containsExactly(JobPhase.values());
        assertThat(checkpoints).containsExactly(1);
        assertThat(rep.epochs()).hasSize(1);
        assertThat(rep.fp32().accuracy()).isGreaterThan(0.95);
        assertThat(rep.qatFakeQuant().accuracy()).isGreaterThanOrEqualTo(rep.fp32().accuracy() - 0.02);
        assertThat(Math.abs(rep.qatInt8().accuracy() - rep.qatOrt().accuracy())).isLessThanOrEqualTo(0.01);
        assertThat(rep.sizes().int8Bytes()).isLessThan(rep.sizes().fp32Bytes() / 2);
        assertThat(rep.layers()).allSatisfy(l -> assertThat(l.sqnrDb() == null || l.sqnrDb() > 10).as(l.toString()).isTrue());
        assertThat(r.encodingsJson()).contains("\"activation_encodings\"").contains("\"param_encodings\"");

        // the artifact, run by ORT here, has the accuracy the report states
        try (OrtRunner ort = new OrtRunner(r.int8Model())) {
            INDArray out = ort.run(data.xTest());
            INDArray pred = Nd4j.argMax(out, 1);
            int ok = 0;
            for (int i = 0; i < data.testSize(); i++) {
                ok += pred.getInt(i) == data.yTest()[i] ? 1 : 0;
            }
            assertThat((double) ok / data.testSize()).isEqualTo(rep.qatOrt().accuracy());
        }
    }

    /**
     * The INT8 file is at most 0.3x the FP32 file for a model of realistic size (~41k parameters).
     * The tiny fixtures (2k-20k parameters) do not reach it: per-channel scales, int32 biases and
     * the Q/DQ nodes are a fixed overhead of a few KB (resnet_add: 0.36x).
     */
    @Test
    void int8FileIsAtMostThreeTenthsOfTheFp32File() {
        Graph g = WideMlp.graph(30, 256, 128, 2);
        byte[] fp32 = OnnxExporter.toBytes(g);
        JobResult r = QatJob.run(fp32, Fixtures.MLP.data(), spec(0), JobListener.NONE, () -> false, null);
        System.out.printf("wide mlp: %d -> %d bytes (%.3fx)%n", fp32.length, r.int8Model().length, r.report().sizes().ratio());
        assertThat(r.report().sizes().fp32Bytes()).isEqualTo(fp32.length);
        assertThat(r.report().sizes().ratio()).isLessThanOrEqualTo(0.3);
        assertThat(r.report().ortUsesIntegerKernels()).isTrue();
    }

    @Test
    void aResumedJobRunsOnlyTheRemainingEpochs() {
        Fixtures.Model m = Fixtures.MLP;
        byte[][] saved = new byte[1][];
        QatJob.run(m.bytes(), m.data(), spec(2), new JobListener() {
            @Override
            public void checkpoint(int epochsDone, byte[] state) {
                if (epochsDone == 1) {
                    saved[0] = state;
                }
            }
        }, () -> false, null);
        assertThat(saved[0]).isNotNull();
        List<Integer> epochs = new ArrayList<>();
        JobResult resumed = QatJob.run(m.bytes(), m.data(), spec(2), new JobListener() {
            @Override
            public void epoch(EpochResult r, int total) {
                epochs.add(r.epoch());
            }
        }, () -> false, saved[0]);
        assertThat(epochs).containsExactly(1);
        assertThat(resumed.report().epochs()).hasSize(1);
    }

    @Test
    void aStopRequestEndsTheJobBetweenSteps() {
        AtomicInteger steps = new AtomicInteger();
        Fixtures.Model m = Fixtures.MLP;
        assertThatThrownBy(() -> QatJob.run(m.bytes(), m.data(), spec(3), new JobListener() {
            @Override
            public void step(int epoch, int total, int step, int steps2, double loss, double acc, double ips) {
                steps.incrementAndGet();
            }
        }, () -> steps.get() >= 2, null)).isInstanceOf(CancellationException.class);
        assertThat(steps.get()).isEqualTo(2);
    }
}
