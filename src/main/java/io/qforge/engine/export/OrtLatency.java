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
 * samples, at each batch size; per model and batch, {@code warmup} untimed runs, then the median of
 * {@code runs} timed ones. A batch size the FP32 file cannot take (its input has another fixed
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
        if (runs < 1 || warmup < 0) throw new IllegalArgumentException("runs >= 1 and warmup >= 0 required");
        var env = OrtEnvironment.getEnvironment();
        try (var opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(THREADS);
            try (OrtSession f = env.createSession(fp32, opts); OrtSession q = env.createSession(int8, opts)) {
                var points = new ArrayList<Point>();
                for (int batch : batches.stream().distinct().sorted().toList()) {
                    float[] input = batchOf(samples, batch);
                    long[] shape = shape(samples, batch);
                    Double fp32Ms = takes(f, batch) ? medianMs(env, f, input, shape, warmup, runs) : null;
                    double int8Ms = medianMs(env, q, input, shape, warmup, runs);
                    points.add(new Point(batch, fp32Ms, int8Ms, fp32Ms == null ? null : int8Ms / fp32Ms));
                }
                return new OrtLatency(THREADS, warmup, runs, points);
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

    private static double medianMs(OrtEnvironment env, OrtSession session, float[] input, long[] shape, int warmup,
            int runs) throws OrtException {
        String name = session.getInputNames().iterator().next();
        double[] ms = new double[runs];
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape)) {
            for (int i = 0; i < warmup + runs; i++) {
                long start = System.nanoTime();
                try (OrtSession.Result ignored = session.run(Map.of(name, t))) {
                    if (i >= warmup) ms[i - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
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
