package io.qforge.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

    private static TrainConfig sgd(int epochs) {
        return TrainConfig.defaults().withEpochs(epochs).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.SGD, 0.01).withSchedule(TrainConfig.ScheduleKind.COSINE);
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndDifferentSeedDoesNot() {
        Dataset data = Fixtures.LENET.data();
        Graph a = Fixtures.LENET.graph();
        Graph b = Fixtures.LENET.graph();
        Graph c = Fixtures.LENET.graph();
        TrainResult ra = new Trainer(new Executor(a), sgd(1).withSeed(7)).fit(data, TrainingListener.NONE, () -> false);
        TrainResult rb = new Trainer(new Executor(b), sgd(1).withSeed(7)).fit(data, TrainingListener.NONE, () -> false);
        new Trainer(new Executor(c), sgd(1).withSeed(8)).fit(data, TrainingListener.NONE, () -> false);
        assertThat(ra.epochs().get(0).trainLoss()).isEqualTo(rb.epochs().get(0).trainLoss());
        boolean anyDifferent = false;
        for (Map.Entry<String, INDArray> e : a.initializers().entrySet()) {
            assertThat(b.initializer(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            anyDifferent |= !c.initializer(e.getKey()).equals(e.getValue());
        }
        assertThat(anyDifferent).as("another seed shuffles differently").isTrue();
    }

    @Test
    void mlpLearnsFromRandomWeights() {
        Graph g = Fixtures.MLP.graph();
        Executor exec = new Executor(g);
        Nd4j.getRandom().setSeed(3);
        for (String p : exec.trainableParameters()) {
            INDArray w = g.initializer(p);
            w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(w.rank() > 1 ? Math.sqrt(1.0 / w.size(1)) : 0.0));
        }
        Dataset data = Fixtures.MLP.data();
        Metrics before = Evaluator.evaluate(exec, data.xTest(), data.yTest(), 64);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(8).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, 3e-3);
        TrainResult r = new Trainer(exec, cfg).fit(data, TrainingListener.NONE, () -> false);
        Metrics after = r.epochs().get(r.epochs().size() - 1).test();
        assertThat(after.accuracy()).isGreaterThanOrEqualTo(0.93);
        assertThat(after.loss()).isLessThan(before.loss());
        assertThat(r.epochs().get(7).trainLoss()).isLessThan(r.epochs().get(0).trainLoss());
    }

    @Test
    void fineTuningKeepsAPretrainedCnnAccurate() {
        Dataset data = Fixtures.RESNET.data();
        Executor exec = new Executor(Fixtures.RESNET.graph());
        TrainResult r = new Trainer(exec, sgd(1).withBatchSize(64)).fit(data, TrainingListener.NONE, () -> false);
        assertThat(r.epochs().get(0).test().accuracy()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void frozenBatchNormKeepsRunningStatisticsAndLiveBatchNormUpdatesThem() {
        Dataset data = Fixtures.LENET.data();
        Graph frozen = Fixtures.LENET.graph();
        Graph live = Fixtures.LENET.graph();
        List<String> stats = runningStatistics(frozen);
        assertThat(stats).hasSize(4);
        Map<String, INDArray> before = snapshot(frozen, stats);
        new Trainer(new Executor(frozen), sgd(1).withFreezeBatchNormAfterEpoch(0)).fit(data, TrainingListener.NONE, () -> false);
        new Trainer(new Executor(live), sgd(1)).fit(data, TrainingListener.NONE, () -> false);
        for (String s : stats) {
            assertThat(frozen.initializer(s)).as(s).isEqualTo(before.get(s));
            assertThat(live.initializer(s)).as(s).isNotEqualTo(before.get(s));
        }
    }

    @Test
    void stopRequestEndsTrainingBetweenSteps() {
        AtomicInteger steps = new AtomicInteger();
        TrainResult r = new Trainer(new Executor(Fixtures.MLP.graph()), sgd(3)).fit(Fixtures.MLP.data(),
                new TrainingListener() {
                    @Override
                    public void onStep(int epoch, int step, int n, double loss, double acc, double ips) {
                        steps.incrementAndGet();
                    }
                }, () -> steps.get() >= 3);
        assertThat(r.stopped()).isTrue();
        assertThat(steps.get()).isEqualTo(3);
        assertThat(r.epochs()).isEmpty();
    }

    /**
     * Steps run in a workspace that ND4J sizes on the first loop and then reuses: its size stays
     * the same from epoch to epoch, and what is allocated outside it (JavaCPP's off-heap count)
     * does not grow. (Process RSS is printed by the benchmark, which runs alone; in the shared
     * test JVM it moves with the Java heap of other tests.)
     */
    @Test
    void memoryStaysFlatFromEpochToEpoch() {
        Dataset data = Fixtures.LENET.data();
        List<Long> workspace = new ArrayList<>();
        List<Long> offHeap = new ArrayList<>();
        new Trainer(new Executor(Fixtures.LENET.graph()), sgd(6)).fit(data, new TrainingListener() {
            @Override
            public void onEpoch(EpochResult r) {
                workspace.add(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("qforge-train").getCurrentSize());
                offHeap.add(Pointer.totalBytes());
            }
        }, () -> false);
        assertThat(workspace.get(1)).as("workspace bytes per epoch %s", workspace).isGreaterThan(0);
        assertThat(workspace.subList(1, 6)).as("workspace bytes per epoch").containsOnly(workspace.get(1));
        assertThat(offHeap.get(5) - offHeap.get(1)).as("off-heap bytes per epoch %s", offHeap).isLessThan(16L << 20);
    }

    private static List<String> runningStatistics(Graph g) {
        List<String> names = new ArrayList<>();
        g.nodes().stream().filter(n -> n.opType().equals("BatchNormalization"))
                .forEach(n -> { names.add(n.input(3)); names.add(n.input(4)); });
        return names;
    }

    private static Map<String, INDArray> snapshot(Graph g, List<String> names) {
        Map<String, INDArray> m = new java.util.HashMap<>();
        names.forEach(n -> m.put(n, g.initializer(n).dup()));
        return m;
    }
}
