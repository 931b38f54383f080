package io.qforge.bench;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.IdxReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainResult;
import io.qforge.engine.train.Trainer;
import io.qforge.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * FP32 training benchmark (not a unit test): trains an exported LeNet-BN on Fashion-MNIST with
 * qforge's engine and prints one JSON line (images/s per epoch, median step time, test accuracy).
 * Run through {@code bench/fp32-train.sh}, which also runs PyTorch on the same model.
 *
 * <p>Args: model.onnx fashion-mnist-dir epochs batch lr
 */
public final class Fp32TrainBenchmark {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int epochs = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        double lr = Double.parseDouble(args[4]);

        Graph graph = OnnxImporter.load(model);
        Dataset data = IdxReader.fromDirectory(dir);
        Executor exec = new Executor(graph);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(epochs).withBatchSize(batch)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, lr).withSchedule(TrainConfig.ScheduleKind.COSINE);
        List<Double> stepMs = new ArrayList<>();
        List<Double> epochIps = new ArrayList<>();
        List<Long> rssMb = new ArrayList<>();
        List<Long> heapMb = new ArrayList<>();
        TrainResult result = new Trainer(exec, cfg).fit(data, new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int steps, double loss, double acc, double ips) {
                stepMs.add(batch / ips * 1000);
                if (step % 200 == 0) {
                    System.err.printf(Locale.ROOT, "epoch %d step %d/%d loss %.4f%n", epoch, step, steps, loss);
                }
            }

            @Override
            public void onEpoch(EpochResult r) {
                epochIps.add(r.imagesPerSecond());
                rssMb.add(org.bytedeco.javacpp.Pointer.physicalBytes() >> 20);
                heapMb.add(Runtime.getRuntime().totalMemory() >> 20);
                System.err.printf(Locale.ROOT, "epoch %d: %.0f images/s, test accuracy %.4f%n",
                        r.epoch(), r.imagesPerSecond(), r.test().accuracy());
            }
        }, () -> false);
        double acc = result.epochs().get(result.epochs().size() - 1).test().accuracy();
        System.out.printf(Locale.ROOT,
                "{\"engine\": \"qforge\", \"epochs\": %d, \"batch\": %d, \"images_per_s_per_epoch\": %s, "
                        + "\"images_per_s_median\": %.1f, \"step_ms_median\": %.2f, \"test_accuracy\": %.4f, "
                        + "\"rss_mb_after_each_epoch\": %s, \"java_heap_committed_mb_after_each_epoch\": %s}%n",
                epochs, batch, epochIps, median(epochIps), median(stepMs), acc, rssMb, heapMb);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
