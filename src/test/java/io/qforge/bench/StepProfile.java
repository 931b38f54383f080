package io.qforge.bench;

import io.qforge.engine.data.Batches;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.IdxReader;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.train.Adam;
import io.qforge.engine.train.Optimizer;
import io.qforge.engine.train.SoftmaxCrossEntropy;
import io.qforge.engine.train.Workspaces;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a training step's time goes (diagnosis, not a test): mean ms per step by op type and
 * direction, plus batching, forward, backward and optimizer totals, after 5 warm-up steps.
 *
 * <p>Args: model.onnx (data.npz | idx-directory) batch steps. See BENCHMARKS.md.
 */
public final class StepProfile {
    public static void main(String[] args) {
        Graph g = OnnxImporter.load(Path.of(args[0]));
        Dataset d = args[1].endsWith(".npz") ? NpzReader.read(Path.of(args[1])) : IdxReader.fromDirectory(Path.of(args[1]));
        int batch = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        Executor exec = new Executor(g);
        Optimizer opt = new Adam(0.9, 0.999, 1e-8, 0);
        Map<String, INDArray> params = new HashMap<>();
        exec.trainableParameters().forEach(p -> params.put(p, g.initializer(p)));
        Map<String, Long> perOp = new TreeMap<>();
        long[] totals = new long[4];
        List<int[]> batches = Batches.shuffled(d.trainSize(), batch, 0, 0);
        int warmup = 5;
        for (int i = 0; i < steps + warmup; i++) {
            if (i == warmup) {
                exec.profileInto(perOp);
                java.util.Arrays.fill(totals, 0);
            }
            try (MemoryWorkspace ws = Workspaces.step("qforge-profile")) {
                long t0 = System.nanoTime();
                INDArray xb = Batches.gather(d.xTrain(), batches.get(i % batches.size()));
                int[] yb = Batches.gather(d.yTrain(), batches.get(i % batches.size()));
                long t1 = System.nanoTime();
                Executor.Pass pass = exec.forward(xb, true, false);
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(pass.value(exec.logitsName()), yb);
                long t2 = System.nanoTime();
                Map<String, INDArray> grads = exec.backward(pass, ce.gradient());
                long t3 = System.nanoTime();
                opt.step(params, grads, 1e-3);
                long t4 = System.nanoTime();
                totals[0] += t1 - t0;
                totals[1] += t2 - t1;
                totals[2] += t3 - t2;
                totals[3] += t4 - t3;
            }
        }
        perOp.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-28s %7.2f ms%n", k, v / 1e6 / steps));
        System.out.printf(Locale.ROOT, "per step: batching %.2f, forward+loss %.2f, backward %.2f, optimizer %.2f ms%n",
                totals[0] / 1e6 / steps, totals[1] / 1e6 / steps, totals[2] / 1e6 / steps, totals[3] / 1e6 / steps);
    }
}
