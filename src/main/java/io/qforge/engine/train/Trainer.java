package io.qforge.engine.train;

import io.qforge.engine.data.Batches;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fine-tuning loop: seeded shuffling, softmax cross-entropy on the logits, backward through
 * the executor, optimizer step with the scheduled learning rate, evaluation on the test set after
 * each epoch. Each step runs inside a workspace. {@code stop} is polled between steps: when it
 * returns true the loop ends after the current step and reports {@code stopped}.
 */
public final class Trainer {
    private final Executor exec;
    private final TrainConfig cfg;
    private final Optimizer optimizer;

    public Trainer(Executor exec, TrainConfig cfg) {
        this(exec, cfg, Optimizer.of(cfg));
    }

    /** With an optimizer made (and perhaps restored from a checkpoint) by the caller. */
    public Trainer(Executor exec, TrainConfig cfg, Optimizer optimizer) {
        this.exec = exec;
        this.cfg = cfg;
        this.optimizer = optimizer;
    }

    public TrainResult fit(Dataset data, TrainingListener listener, BooleanSupplier stop) {
        return fit(data, 0, listener, stop);
    }

    /** Trains from {@code firstEpoch} (for resuming from a checkpoint) to {@code cfg.epochs()}. */
    public TrainResult fit(Dataset data, int firstEpoch, TrainingListener listener, BooleanSupplier stop) {
        Map<String, INDArray> params = new HashMap<>();
        for (String p : exec.trainableParameters()) {
            params.put(p, exec.graph().initializer(p));
        }
        int n = data.trainSize();
        List<int[]> probe = Batches.sequential(n, cfg.batchSize());
        long stepsPerEpoch = probe.size();
        long totalSteps = stepsPerEpoch * cfg.epochs();
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = firstEpoch; epoch < cfg.epochs(); epoch++) {
            boolean bnFrozen = cfg.freezeBatchNormAfterEpoch() >= 0 && epoch >= cfg.freezeBatchNormAfterEpoch();
            List<int[]> batches = Batches.shuffled(n, cfg.batchSize(), cfg.seed(), epoch);
            listener.onEpochStart(epoch);
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            long epochStart = System.nanoTime();
            double lr = cfg.learningRate();
            for (int step = 0; step < batches.size(); step++) {
                if (stop.getAsBoolean()) {
                    return new TrainResult(results, true);
                }
                int[] idx = batches.get(step);
                lr = LearningRateSchedule.at(cfg, epoch, epoch * stepsPerEpoch + step, totalSteps);
                long t0 = System.nanoTime();
                double loss;
                int ok;
                try (MemoryWorkspace ws = Workspaces.step("qforge-train")) {
                    INDArray xb = Batches.gather(data.xTrain(), idx);
                    int[] yb = Batches.gather(data.yTrain(), idx);
                    Executor.Pass pass = exec.forward(xb, true, bnFrozen);
                    SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(pass.value(exec.logitsName()), yb);
                    Map<String, INDArray> grads = exec.backward(pass, ce.gradient());
                    optimizer.step(params, grads, lr);
                    loss = ce.loss();
                    ok = ce.correct();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                lossSum += loss * idx.length;
                correct += ok;
                seen += idx.length;
                listener.onStep(epoch, step, batches.size(), loss, (double) ok / idx.length, idx.length / secs);
            }
            double ips = seen / ((System.nanoTime() - epochStart) / 1e9);
            Metrics test = Evaluator.evaluate(exec, data.xTest(), data.yTest(), cfg.batchSize()); // a pass keeps every layer of its batch
            EpochResult r = new EpochResult(epoch, lossSum / seen, (double) correct / seen, test, ips, lr);
            results.add(r);
            listener.onEpoch(r);
        }
        return new TrainResult(results, false);
    }
}
