package io.qforge.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.quant.FakeQuantizer;
import io.qforge.engine.quant.MinMaxObserver;
import io.qforge.engine.quant.MovingAverageMinMaxObserver;
import io.qforge.engine.quant.ObserverKind;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the README promises of a resumed job, compared tensor by tensor with zero tolerance: a job
 * is trained one epoch and checkpointed (the live model is captured at that moment); a fresh job
 * object (calibrated anew, as a worker on another machine would) restores the checkpoint; every
 * weight, bias, BatchNorm running mean and variance, learned (LSQ) scale, quantizer scale and zero
 * point, min-max / moving-average observer statistic and optimizer moment equals the captured one
 * exactly; and the resumed job ends exactly where an uninterrupted one does.
 */
class QatResumeTest {
    private static final Fixtures.Model MODEL = Fixtures.LENET; // Conv + BatchNorm + Gemm

    static Stream<Arguments> schemes() {
        return Stream.of(
                Arguments.of(ObserverKind.MOVING_AVERAGE_MIN_MAX, false),
                Arguments.of(ObserverKind.MIN_MAX, false),
                Arguments.of(ObserverKind.MOVING_AVERAGE_MIN_MAX, true));
    }

    private static QatJobSpec spec(ObserverKind observer, boolean lsq, TrainConfig.OptimizerKind optimizer, int epochs) {
        QuantConfig q = QuantConfig.builder().activationObserver(observer).weightObserver(ObserverKind.MIN_MAX)
                .learnedRanges(lsq).calibrationBatches(4).build();
        TrainConfig train = TrainConfig.defaults().withEpochs(epochs).withBatchSize(64).withOptimizer(optimizer, 1e-2);
        return new QatJobSpec(q, train, 256);
    }

    /** A checkpoint and the model and optimizer state captured when it was written. */
    private record Checkpointed(byte[] state, State live, OptState liveOptimizer, Map<String, double[]> calibrated) {}

    private static Checkpointed trainOneEpoch(Graph fp32, Dataset data, QatJobSpec spec) {
        List<Checkpointed> out = new ArrayList<>();
        QatJob.Training[] training = new QatJob.Training[1];
        Map<String, double[]> calibrated = new LinkedHashMap<>();
        var job = new QatJob(spec, new JobListener() {
            @Override
            public void checkpoint(int epochsDone, byte[] state) {
                out.add(new Checkpointed(state, State.of(training[0].model()), OptState.of(training[0].optimizer()), calibrated));
            }
        }, () -> !out.isEmpty()); // the worker is gone after the first checkpoint
        training[0] = job.trainingModel(fp32, data, null);
        calibrated.putAll(State.of(training[0].model()).tensors());
        job.train(training[0], data);
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @ParameterizedTest(name = "{0}, learnedRanges={1}")
    @MethodSource("schemes")
    void aResumedJobRestoresEveryTensorQuantizerAndObserverExactly(ObserverKind observer, boolean lsq) {
        Graph fp32 = MODEL.graph();
        Dataset data = MODEL.data();
        QatJobSpec spec = spec(observer, lsq, TrainConfig.OptimizerKind.ADAM, 2);
        Checkpointed ckpt = trainOneEpoch(fp32, data, spec);

        var fresh = new QatJob(spec, JobListener.NONE, () -> false);
        State before = State.of(fresh.trainingModel(MODEL.graph(), data, null).model());
        var resumed = fresh.trainingModel(MODEL.graph(), data, ckpt.state());
        State after = State.of(resumed.model());
        assertThat(resumed.firstEpoch()).isEqualTo(1);

        // the comparison is not vacuous: training moved what is compared, and a fresh job does not have it
        List<String> bnStats = batchNormRunningStatistics(fp32);
        assertThat(bnStats).hasSize(2 * (int) fp32.nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count())
                .isNotEmpty();
        for (String t : bnStats) {
            assertThat(ckpt.live().tensors().get(t)).as("%s moved in training", t).isNotEqualTo(ckpt.calibrated().get(t));
            assertThat(before.tensors().get(t)).as("%s of a fresh job", t).isNotEqualTo(ckpt.live().tensors().get(t));
        }
        assertThat(before.tensors().keySet().stream().filter(t -> !Arrays.equals(before.tensors().get(t), ckpt.live().tensors().get(t))))
                .as("tensors a fresh job has different").hasSizeGreaterThan(bnStats.size());
        assertThat(before.scales()).isNotEqualTo(ckpt.live().scales());
        if (lsq) {
            assertThat(resumed.model().lsqScales()).isNotEmpty();
            assertThat(ckpt.live().tensors()).containsKeys(resumed.model().lsqScales().values().toArray(String[]::new));
        }
        if (!lsq) {
            assertThat(ckpt.live().observers().values().stream().mapToInt(s -> s.length).sum()).isPositive();
        }

        // after restore: equal to the checkpointed model, bit for bit
        assertThat(after.tensors().keySet()).containsExactlyElementsOf(ckpt.live().tensors().keySet());
        after.tensors().forEach((t, v) -> assertThat(v).as("tensor %s", t).containsExactly(ckpt.live().tensors().get(t)));
        assertThat(after.shapes()).isEqualTo(ckpt.live().shapes());
        after.scales().forEach((q, v) -> assertThat(v).as("scales of %s", q).containsExactly(ckpt.live().scales().get(q)));
        after.zeroPoints().forEach((q, v) -> assertThat(v).as("zero points of %s", q).containsExactly(ckpt.live().zeroPoints().get(q)));
        assertThat(after.scales().keySet()).containsExactlyElementsOf(ckpt.live().scales().keySet());
        // ... and so is the optimizer (Adam: step count, first and second moments of every parameter)
        OptState opt = OptState.of(resumed.optimizer());
        assertThat(OptState.of(fresh.trainingModel(MODEL.graph(), data, null).optimizer()).buffers()).isEmpty();
        assertThat(ckpt.liveOptimizer().steps()).isPositive();
        assertThat(opt.steps()).isEqualTo(ckpt.liveOptimizer().steps());
        assertThat(opt.buffers().keySet()).isNotEmpty().containsExactlyElementsOf(ckpt.liveOptimizer().buffers().keySet());
        opt.buffers().forEach((t, b) -> {
            assertThat(b.length).isEqualTo(2);
            for (int i = 0; i < b.length; i++) {
                assertThat(b[i]).as("moment %d of %s", i + 1, t).containsExactly(ckpt.liveOptimizer().buffers().get(t)[i]);
            }
        });
        after.observers().forEach((q, stats) -> {
            assertThat(stats.length).as("observer statistics of %s", q).isEqualTo(ckpt.live().observers().get(q).length);
            for (int i = 0; i < stats.length; i++) {
                assertThat(stats[i]).as("observer statistic %d of %s", i, q).containsExactly(ckpt.live().observers().get(q)[i]);
            }
        });
    }

    static Stream<TrainConfig> optimizers() {
        return Stream.of(
                new TrainConfig(2, 64, TrainConfig.OptimizerKind.ADAM, 1e-3, 0.9, 0.0, TrainConfig.ScheduleKind.COSINE, 1, 0.1, 0, -1),
                new TrainConfig(2, 64, TrainConfig.OptimizerKind.SGD, 1e-2, 0.9, 1e-4, TrainConfig.ScheduleKind.COSINE, 1, 0.1, 0, -1));
    }

    /**
     * The checkpoint holds all the state training carries between epochs: a job stopped after
     * epoch 1 and resumed in a fresh job ends bit-identical to one that ran through.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void aResumedJobEndsExactlyAsAnUninterruptedOne(TrainConfig train) {
        Dataset data = MODEL.data();
        QatJobSpec spec = new QatJobSpec(QuantConfig.builder().calibrationBatches(4).build(), train, 256);

        var through = new QatJob(spec, JobListener.NONE, () -> false);
        var whole = through.trainingModel(MODEL.graph(), data, null);
        through.train(whole, data);
        State uninterrupted = State.of(whole.model());

        Checkpointed ckpt = trainOneEpoch(MODEL.graph(), data, spec);
        var again = new QatJob(spec, JobListener.NONE, () -> false);
        var resumed = again.trainingModel(MODEL.graph(), data, ckpt.state());
        again.train(resumed, data);
        State end = State.of(resumed.model());

        assertThat(ckpt.live().tensors()).isNotEqualTo(uninterrupted.tensors());
        assertEqual(end, uninterrupted);
    }

    /**
     * A checkpoint written before optimizer state was saved (format 1) still resumes; its
     * optimizer starts from zero. With SGD without momentum (no optimizer state) the outcome is
     * the uninterrupted one.
     */
    @Test
    void aCheckpointOfTheFirstFormatStillResumes() {
        Dataset data = MODEL.data();
        TrainConfig sgd = new TrainConfig(2, 64, TrainConfig.OptimizerKind.SGD, 1e-2, 0.0, 0.0,
                TrainConfig.ScheduleKind.COSINE, 1, 0.1, 0, -1);
        QatJobSpec spec = new QatJobSpec(QuantConfig.builder().calibrationBatches(4).build(), sgd, 256);
        var through = new QatJob(spec, JobListener.NONE, () -> false);
        var whole = through.trainingModel(MODEL.graph(), data, null);
        through.train(whole, data);

        byte[] v2 = trainOneEpoch(MODEL.graph(), data, spec).state();
        // format 1 = format 2 without the trailing optimizer section (here: 0 steps, 0 buffers = 12 bytes)
        byte[] v1 = Arrays.copyOf(v2, v2.length - 12);
        java.nio.ByteBuffer.wrap(v1).putInt(0, 0x51464b31);
        var again = new QatJob(spec, JobListener.NONE, () -> false);
        var resumed = again.trainingModel(MODEL.graph(), data, v1);
        assertThat(resumed.firstEpoch()).isEqualTo(1);
        again.train(resumed, data);
        assertEqual(State.of(resumed.model()), State.of(whole.model()));
    }

    private static void assertEqual(State actual, State expected) {
        assertThat(actual.tensors().keySet()).containsExactlyElementsOf(expected.tensors().keySet());
        expected.tensors().forEach((t, v) -> assertThat(actual.tensors().get(t)).as("tensor %s", t).containsExactly(v));
        expected.scales().forEach((n, v) -> assertThat(actual.scales().get(n)).as("scales of %s", n).containsExactly(v));
        expected.zeroPoints().forEach((n, v) -> assertThat(actual.zeroPoints().get(n)).as("zero points of %s", n).containsExactly(v));
    }

    private static List<String> batchNormRunningStatistics(Graph g) {
        List<String> names = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.opType().equals("BatchNormalization")) {
                names.add(n.input(3));
                names.add(n.input(4));
            }
        }
        return names;
    }

    /**
     * A fresh job fine-tunes its PTQ model instead of calibrating a second one: that is exact only if
     * the PTQ evaluation (float64 simulation, conversion, integer engine) changes nothing in the model.
     */
    @ParameterizedTest(name = "{0}, learnedRanges={1}")
    @MethodSource("schemes")
    void thePtqEvaluationLeavesTheCalibratedModelAsAFreshCalibrationGivesIt(ObserverKind observer, boolean lsq) {
        Dataset data = MODEL.data();
        QatJobSpec spec = spec(observer, lsq, TrainConfig.OptimizerKind.ADAM, 1);
        var job = new QatJob(spec, JobListener.NONE, () -> false);
        QatModel evaluated = job.trainingModel(MODEL.graph(), data, null).model();
        io.qforge.engine.train.Evaluator.evaluate(evaluated.float64Executor(), data.xTest(), data.yTest(), 64);
        JobEvaluation.intMetrics(new io.qforge.engine.int8.IntExecutor(
                io.qforge.engine.convert.IntModelConverter.convert(evaluated)), data, 64);
        State after = State.of(evaluated);
        State fresh = State.of(job.trainingModel(MODEL.graph(), data, null).model());
        assertThat(after.tensors().keySet()).containsExactlyElementsOf(fresh.tensors().keySet());
        after.tensors().forEach((t, v) -> assertThat(v).as("tensor %s", t).containsExactly(fresh.tensors().get(t)));
        after.scales().forEach((q, v) -> assertThat(v).as("scales of %s", q).containsExactly(fresh.scales().get(q)));
        after.zeroPoints().forEach((q, v) -> assertThat(v).as("zero points of %s", q).containsExactly(fresh.zeroPoints().get(q)));
        after.observers().forEach((q, stats) -> {
            assertThat(stats.length).as("observer statistics of %s", q).isEqualTo(fresh.observers().get(q).length);
            for (int i = 0; i < stats.length; i++) {
                assertThat(stats[i]).as("observer %s statistic %d", q, i).containsExactly(fresh.observers().get(q)[i]);
            }
        });
        assertThat(evaluated.quantizers().values()).allMatch(q -> !q.observerEnabled() && q.fakeQuantEnabled());
    }

    /** A deep copy of everything a checkpoint should carry. */
    private record State(Map<String, double[]> tensors, Map<String, List<Long>> shapes, Map<String, double[]> scales,
                         Map<String, int[]> zeroPoints, Map<String, double[][]> observers) {
        static State of(QatModel m) {
            Map<String, double[]> tensors = new LinkedHashMap<>();
            Map<String, List<Long>> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : m.graph().initializers().entrySet()) {
                INDArray a = e.getValue();
                tensors.put(e.getKey(), a.dup('c').reshape(a.length()).castTo(DataType.DOUBLE).toDoubleVector());
                shapes.put(e.getKey(), Arrays.stream(a.shape()).boxed().toList());
            }
            Map<String, double[]> scales = new LinkedHashMap<>();
            Map<String, int[]> zps = new LinkedHashMap<>();
            Map<String, double[][]> observers = new LinkedHashMap<>();
            for (Map.Entry<String, FakeQuantizer> e : m.quantizers().entrySet()) {
                scales.put(e.getKey(), e.getValue().params().scales().clone());
                zps.put(e.getKey(), e.getValue().params().zeroPoints().clone());
                observers.put(e.getKey(), statistics(e.getValue()));
            }
            return new State(tensors, shapes, scales, zps, observers);
        }

        private static double[][] statistics(FakeQuantizer q) {
            if (q.observer() instanceof MinMaxObserver o && o.hasObservations()) {
                return new double[][] {o.min().clone(), o.max().clone()};
            }
            if (q.observer() instanceof MovingAverageMinMaxObserver o && o.hasObservations()) {
                return new double[][] {o.min().clone(), o.max().clone(), o.tensorRange().clone()};
            }
            return new double[0][];
        }
    }

    /** A deep copy of an optimizer's state. */
    private record OptState(long steps, Map<String, double[][]> buffers) {
        static OptState of(io.qforge.engine.train.Optimizer o) {
            var st = o.state();
            Map<String, double[][]> copy = new java.util.TreeMap<>();
            st.buffers().forEach((name, b) -> {
                double[][] c = new double[b.length][];
                for (int i = 0; i < b.length; i++) {
                    c[i] = b[i].dup('c').reshape(b[i].length()).castTo(DataType.DOUBLE).toDoubleVector();
                }
                copy.put(name, c);
            });
            return new OptState(st.steps(), copy);
        }
    }
}
