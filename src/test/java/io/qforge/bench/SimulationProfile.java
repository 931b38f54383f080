package io.qforge.bench;

import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.Workspaces;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Diagnostic (not a unit test): seconds per op type of one batch through the float32 simulation,
 * the float64 simulation and the integer engine of a calibrated (PTQ) model, alternating, so their
 * ratio is measured side by side. Args: model.onnx data.npz [batch=32] [rounds=3]
 */
public final class SimulationProfile {
    public static void main(String[] a) {
        QatModel m = QatModel.prepare(OnnxImporter.load(Path.of(a[0])), QuantConfig.defaults().toBuilder()
                .calibrationBatches(4).build());
        Dataset d = NpzReader.read(Path.of(a[1]));
        int batch = a.length > 2 ? Integer.parseInt(a[2]) : 32;
        int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 3;
        Calibrator.calibrate(m, d.xTrain(), batch, 4);
        INDArray x = d.xTest().get(NDArrayIndex.interval(0, batch)).dup();
        Executor f32 = m.executor();
        Executor f64 = m.float64Executor();
        IntExecutor int8 = new IntExecutor(IntModelConverter.convert(m));
        Map<String, Long> p32 = new TreeMap<>();
        Map<String, Long> p64 = new TreeMap<>();
        Map<String, Long> pInt = new TreeMap<>();
        for (int r = 0; r < rounds; r++) {
            f32.profileInto(r == 0 ? null : p32);
            f64.profileInto(r == 0 ? null : p64);
            int8.profileInto(r == 0 ? null : pInt);
            long t0 = System.nanoTime();
            try (MemoryWorkspace ws = Workspaces.step("probe")) {
                f32.forward(x, false, false);
            }
            long t1 = System.nanoTime();
            try (MemoryWorkspace ws = Workspaces.step("probe")) {
                f64.forward(x, false, false);
            }
            long t2 = System.nanoTime();
            int8.quantizedOutput(x);
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "round %d seconds: float32 %.2f float64 %.2f int8 %.2f%n", r, (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        }
        System.out.println("op: float32 s / float64 s (summed over rounds 1..)");
        for (String op : p64.keySet()) {
            System.out.printf(Locale.ROOT, "%-24s %7.2f %7.2f%n", op, p32.getOrDefault(op, 0L) / 1e9, p64.get(op) / 1e9);
        }
        System.out.println("integer layer: s (summed over rounds 1..)");
        pInt.forEach((t, ns) -> System.out.printf(Locale.ROOT, "int %-20s %7.2f%n", t, ns / 1e9));
    }
}
