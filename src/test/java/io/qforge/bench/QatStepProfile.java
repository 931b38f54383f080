package io.qforge.bench;

import io.qforge.engine.data.Batches;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.IdxReader;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.Adam;
import io.qforge.engine.train.Optimizer;
import io.qforge.engine.train.SoftmaxCrossEntropy;
import io.qforge.engine.train.Workspaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a training step's time goes (diagnosis, not a test), FP32 and QAT (fake-quant, default
 * W8A8 config, observers on) of the same model in one run: the median ms of a whole step
 * (forward, loss, backward, Adam) over {@code steps} steps after 10 warm-up steps, and the median
 * process CPU time of a step (all threads: on a shared machine less sensitive to the load than
 * wall time), then, over
 * the same number of further steps with the executor's profile on, ms per step and calls per step
 * by op label (Conv split by kernel kind) and direction. Fake-quant nodes are their own rows
 * ({@code qforge.FakeQuant}).
 *
 * <p>Args: model.onnx (data.npz | idx-directory) batch steps [fp32|qat|both (default)].
 * Last line: {@code QFORGE {"fp32StepMs":..,"qatStepMs":..,...}} for bench/speed.sh.
 */
public final class QatStepProfile {
    public static void main(String[] args) {
        Graph g = OnnxImporter.load(Path.of(args[0]));
        Dataset d = args[1].endsWith(".npz") ? NpzReader.read(Path.of(args[1])) : IdxReader.fromDirectory(Path.of(args[1]));
        int batch = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        String mode = args.length > 4 ? args[4] : "both";
        List<String> json = new ArrayList<>();
        json.add(String.format(Locale.ROOT, "\"batch\":%d,\"steps\":%d", batch, steps));
        for (String side : mode.equals("both") ? List.of("fp32", "qat") : List.of(mode)) {
            double[] ms = run(g, d, batch, steps, side.equals("fp32"));
            json.add(String.format(Locale.ROOT, "\"%sStepMs\":%.2f,\"%sImagesPerSecond\":%.1f,\"%sCpuMsPerStep\":%.2f", side, ms[0],
                    side, batch * 1e3 / ms[0], side, ms[1]));
        }
        System.out.println("QFORGE {" + String.join(",", json) + "}");
    }

    /** Returns {median step ms, median process CPU ms per step (all threads)}; prints the per-op profile. */
    private static double[] run(Graph g, Dataset d, int batch, int steps, boolean fp32) {
        Executor exec;
        Graph qg;
        if (fp32) {
            exec = new Executor(g);
            qg = g;
        } else {
            QatModel model = QatModel.prepare(g, QuantConfig.defaults());
            Calibrator.calibrate(model, d.xTrain(), batch, 8);
            model.setFakeQuantEnabled(true);
            model.setObserversEnabled(true);
            exec = model.executor();
            qg = model.graph();
        }
        Optimizer opt = new Adam(0.9, 0.999, 1e-8, 0);
        Map<String, INDArray> params = new HashMap<>();
        exec.trainableParameters().forEach(p -> params.put(p, qg.initializer(p)));
        Map<String, Long> perOp = new TreeMap<>();
        long[] stepNs = new long[steps];
        long[] cpuNs = new long[steps];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        List<int[]> batches = Batches.shuffled(d.trainSize(), batch, 0, 0);
        int warmup = 10;
        for (int i = 0; i < 2 * steps + warmup; i++) {
            if (i == warmup + steps) {
                exec.profileInto(perOp);
            }
            try (MemoryWorkspace ws = Workspaces.step("qforge-qat-profile")) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                INDArray xb = Batches.gather(d.xTrain(), batches.get(i % batches.size()));
                int[] yb = Batches.gather(d.yTrain(), batches.get(i % batches.size()));
                Executor.Pass pass = exec.forward(xb, true, false);
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(pass.value(exec.logitsName()), yb);
                Map<String, INDArray> grads = exec.backward(pass, ce.gradient());
                opt.step(params, grads, 1e-4);
                long t1 = System.nanoTime();
                if (i >= warmup && i < warmup + steps) {
                    stepNs[i - warmup] = t1 - t0;
                    cpuNs[i - warmup] = os.getProcessCpuTime() - c0;
                }
            }
        }
        exec.profileInto(null);
        String side = fp32 ? "FP32" : "QAT";
        System.out.printf(Locale.ROOT, "qforge %s per op, ms per step (calls per step): %-22s %9s %9s%n", side, "", "fwd", "bwd");
        perOp.keySet().stream().filter(k -> k.endsWith(" fwd")).map(k -> k.substring(0, k.length() - 4))
                .sorted((a, b) -> Long.compare(total(perOp, b), total(perOp, a)))
                .forEach(label -> System.out.printf(Locale.ROOT, "  qforge %-4s %-28s %8.2f %8.2f  calls %d%n", side, label,
                        perOp.getOrDefault(label + " fwd", 0L) / 1e6 / steps, perOp.getOrDefault(label + " bwd", 0L) / 1e6 / steps,
                        perOp.getOrDefault(label + " fwd calls", 0L) / steps));
        Arrays.sort(stepNs);
        Arrays.sort(cpuNs);
        double median = stepNs[steps / 2] / 1e6;
        System.out.printf(Locale.ROOT, "qforge %s step median %.2f ms (p25 %.2f, p75 %.2f), process CPU %.2f ms per step, over %d steps, batch %d%n",
                side, median, stepNs[steps / 4] / 1e6, stepNs[3 * steps / 4] / 1e6, cpuNs[steps / 2] / 1e6, steps, batch);
        return new double[] {median, cpuNs[steps / 2] / 1e6};
    }

    private static long total(Map<String, Long> perOp, String label) {
        return perOp.getOrDefault(label + " fwd", 0L) + perOp.getOrDefault(label + " bwd", 0L);
    }
}
