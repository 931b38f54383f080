package io.qforge.engine.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Deployment speed: the FP32 upload and the INT8 QDQ artifact run in ONNX Runtime with the same
 * session options (all graph optimizations, {@link #THREADS} intra-op thread), on the same real
 * samples, at each batch size; per batch, {@code warmup} untimed runs, then the median of
 * {@code runs} timed ones, FP32 and INT8 runs alternating. A batch size the FP32 file cannot take (its input has another fixed
 * batch dimension) is reported with a null FP32 time.
 *
 * @param points one entry per batch size
 */
public record OrtLatency(int threads, int warmupRuns, int timedRuns, List<Point> points) {
    public static final int THREADS = 1;

    public OrtLatency {
        points = List.copyOf(points);
    }

    /**
     * @param fp32Ms median milliseconds per run of the FP32 upload (null: it does not take this batch size)
     * @param int8Ms median milliseconds per run of the INT8 artifact
     * @param int8OverFp32 {@code int8Ms / fp32Ms} (below 1: INT8 is faster), null without an FP32 time
     */
    public record Point(int batch, Double fp32Ms, double int8Ms, Double int8OverFp32) {
    }

    /** Measures at each of {@code batches}, taking inputs from the first samples of {@code samples} (repeated if fewer). */
    public static OrtLatency measure(byte[] fp32, byte[] int8, INDArray samples, List<Integer> batches, int warmup,
            int runs) {
        return measure(fp32, int8, samples, batches, warmup, runs, THREADS, Map.of());
    }

    /**
     * As {@link #measure(byte[], byte[], INDArray, List, int, int)} with {@code threads} intra-op threads
     * and extra session config entries for both sessions (e.g. {@code session.qdqisint8allowed=1}).
     */
    public static OrtLatency measure(byte[] fp32, byte[] int8, INDArray samples, List<Integer> batches, int warmup,
            int runs, int threads, Map<String, String> sessionConfig) {
        if (runs < 1 || warmup < 0 || threads < 1) {
            throw new IllegalArgumentException("runs >= 1, warmup >= 0 and threads >= 1 required");
        }
        var env = OrtEnvironment.getEnvironment();
        try (var opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(threads);
            for (Map.Entry<String, String> e : sessionConfig.entrySet()) {
                opts.addConfigEntry(e.getKey(), e.getValue());
            }
            try (OrtSession f = env.createSession(fp32, opts); OrtSession q = env.createSession(int8, opts)) {
                var points = new ArrayList<Point>();
                for (int batch : batches.stream().distinct().sorted().toList()) {
                    float[] input = batchOf(samples, batch);
                    long[] shape = shape(samples, batch);
                    double[] ms = interleavedMedianMs(env, takes(f, batch) ? f : null, q, input, shape, warmup, runs);
                    Double fp32Ms = Double.isNaN(ms[0]) ? null : ms[0];
                    points.add(new Point(batch, fp32Ms, ms[1], fp32Ms == null ? null : ms[1] / fp32Ms));
                }
                return new OrtLatency(threads, warmup, runs, points);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime latency measurement failed: " + e.getMessage(), e);
        }
    }

    private static boolean takes(OrtSession session, int batch) throws OrtException {
        var info = (TensorInfo) session.getInputInfo().values().iterator().next().getInfo();
        long dim = info.getShape().length == 0 ? -1 : info.getShape()[0];
        return dim <= 0 || dim == batch;
    }

    /**
     * Medians of {@code fp32} (NaN when null) and {@code int8}, the two sessions run alternately (one
     * FP32 run, one INT8 run, ...) so that a change in the load of a shared machine hits both alike.
     */
    private static double[] interleavedMedianMs(OrtEnvironment env, OrtSession fp32, OrtSession int8, float[] input,
            long[] shape, int warmup, int runs) throws OrtException {
        double[] f = new double[runs];
        double[] q = new double[runs];
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape)) {
            for (int i = 0; i < warmup + runs; i++) {
                if (fp32 != null) {
                    double ms = runMs(fp32, t);
                    if (i >= warmup) f[i - warmup] = ms;
                }
                double ms = runMs(int8, t);
                if (i >= warmup) q[i - warmup] = ms;
            }
        }
        return new double[] {fp32 == null ? Double.NaN : median(f), median(q)};
    }

    private static double runMs(OrtSession session, OnnxTensor input) throws OrtException {
        String name = session.getInputNames().iterator().next();
        long start = System.nanoTime();
        try (OrtSession.Result ignored = session.run(Map.of(name, input))) {
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static double median(double[] values) {
        double[] ms = values.clone();
        Arrays.sort(ms);
        int n = ms.length;
        return n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    }

    private static float[] batchOf(INDArray samples, int batch) {
        long n = samples.size(0);
        if (n == 0) throw new IllegalArgumentException("no samples to measure latency on");
        long per = samples.length() / n;
        float[] out = new float[Math.toIntExact(per * batch)];
        for (int i = 0; i < batch; ) {
            int take = (int) Math.min(n, batch - i);
            float[] chunk = samples.get(NDArrayIndex.interval(0, take)).castTo(DataType.FLOAT).dup('c').data().asFloat();
            System.arraycopy(chunk, 0, out, Math.toIntExact(i * per), chunk.length);
            i += take;
        }
        return out;
    }

    private static long[] shape(INDArray samples, int batch) {
        long[] shape = samples.shape().clone();
        shape[0] = batch;
        return shape;
    }
}
