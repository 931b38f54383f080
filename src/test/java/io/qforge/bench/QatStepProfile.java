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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a QAT (fake-quant, default W8A8 config, observers on) training step's time goes
 * (diagnosis, not a test): mean ms per op type, and the median ms of a whole step (forward, loss,
 * backward, Adam), after 10 warm-up steps. Like {@link StepProfile}, for the QAT graph.
 *
 * <p>Args: model.onnx (data.npz | idx-directory) batch steps [fp32] (fp32: the plain model's step, for the ratio).
 */
public final class QatStepProfile {
    public static void main(String[] args) {
        Graph g = OnnxImporter.load(Path.of(args[0]));
        Dataset d = args[1].endsWith(".npz") ? NpzReader.read(Path.of(args[1])) : IdxReader.fromDirectory(Path.of(args[1]));
        int batch = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        boolean fp32 = args.length > 4 && args[4].equals("fp32");
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
        List<int[]> batches = Batches.shuffled(d.trainSize(), batch, 0, 0);
        int warmup = 10;
        for (int i = 0; i < steps + warmup; i++) {
            if (i == warmup) {
                exec.profileInto(perOp);
            }
            try (MemoryWorkspace ws = Workspaces.step("qforge-qat-profile")) {
                long t0 = System.nanoTime();
                INDArray xb = Batches.gather(d.xTrain(), batches.get(i % batches.size()));
                int[] yb = Batches.gather(d.yTrain(), batches.get(i % batches.size()));
                Executor.Pass pass = exec.forward(xb, true, false);
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(pass.value(exec.logitsName()), yb);
                Map<String, INDArray> grads = exec.backward(pass, ce.gradient());
                opt.step(params, grads, 1e-4);
                long t1 = System.nanoTime();
                if (i >= warmup) {
                    stepNs[i - warmup] = t1 - t0;
                }
            }
        }
        perOp.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-28s %7.2f ms%n", k, v / 1e6 / steps));
        Arrays.sort(stepNs);
        System.out.printf(Locale.ROOT, (fp32 ? "FP32" : "QAT") + " step median %.2f ms (p25 %.2f, p75 %.2f) over %d steps, batch %d%n",
                stepNs[steps / 2] / 1e6, stepNs[steps / 4] / 1e6, stepNs[3 * steps / 4] / 1e6, steps, batch);
    }
}
