package io.qforge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.onnx.UnsupportedModelException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FP32 import parity of one model (not a unit test: the zoo's "imported, FP32 max |diff| vs ORT"
 * columns): imports the file, runs the engine's forward pass and ONNX Runtime (all optimizations,
 * and without them) on the same seeded Gaussian batch, and prints one JSON line: op counts of the
 * imported graph, max |engine - ORT|, seconds for import and forward, or the import's refusal.
 *
 * <p>Args: model.onnx batch channels size
 */
public final class Fp32ParityProbe {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long[] shape = {Long.parseLong(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]), Long.parseLong(args[3])};
        byte[] model = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        long t0 = System.nanoTime();
        Graph g;
        try {
            g = OnnxImporter.load(model);
        } catch (UnsupportedModelException e) {
            Map<String, Integer> kinds = new TreeMap<>();
            e.problems().forEach(p -> kinds.merge(p.replaceAll("^node '[^']*' ", "").replaceAll("'[^']*'", "'..'"), 1, Integer::sum));
            System.out.println(String.format(Locale.ROOT, "{\"model\":\"%s\",\"imported\":false,\"problems\":\"%s\"}", name,
                    kinds.toString().replace("\"", "'")));
            return;
        }
        double importS = (System.nanoTime() - t0) / 1e9;
        Map<String, Integer> ops = new TreeMap<>();
        for (Node n : g.nodes()) {
            ops.merge(n.opType(), 1, Integer::sum);
        }
        long t1 = System.nanoTime();
        Parity p = parity(model, g, shape);
        double forwardS = (System.nanoTime() - t1) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "{\"model\":\"%s\",\"imported\":true,\"maxAbsDiffOrt\":%.3e,\"maxAbsDiffOrtUnoptimized\":%.3e,\"outputMaxAbs\":%.3e,"
                        + "\"importS\":%.2f,\"forwardS\":%.2f,\"nodes\":%d,\"ops\":\"%s\"}",
                name, p.maxAbsDiffOrt(), p.maxAbsDiffOrtUnoptimized(), p.outputMaxAbs(), importS, forwardS, g.nodes().size(), ops));
    }

    /** Max |engine - ORT| (all optimizations, and none) and the engine's max |output| on one batch. */
    record Parity(double maxAbsDiffOrt, double maxAbsDiffOrtUnoptimized, double outputMaxAbs) {
    }

    /** The engine's FP32 forward pass of {@code g} vs ONNX Runtime on {@code model}, a seeded Gaussian batch of {@code shape}. */
    static Parity parity(byte[] model, Graph g, long[] shape) throws Exception {
        int n = (int) (shape[0] * shape[1] * shape[2] * shape[3]);
        float[] x = new float[n];
        Random r = new Random(0);
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        INDArray ours = new Executor(g).predict(Nd4j.create(x, shape, 'c')).dup('c');
        float[] e = ours.data().asFloat();
        return new Parity(maxDiff(e, ort(model, x, shape, true)), maxDiff(e, ort(model, x, shape, false)),
                ours.amaxNumber().doubleValue());
    }

    private static double maxDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static float[] ort(byte[] model, float[] x, long[] shape, boolean optimized) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            if (!optimized) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            }
            try (OrtSession s = env.createSession(model, o);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result res = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
                FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return v;
            }
        }
    }
}
