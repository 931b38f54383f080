package io.qforge.engine.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

/** Runs a model in ONNX Runtime on one float input and returns its first output. */
final class Ort {

    record Output(float[] values, long[] shape) {
    }

    private Ort() {
    }

    static Output run(byte[] model, float[] input, long[] shape) {
        return run(model, input, shape, true);
    }

    /**
     * With {@code optimized} false ONNX Runtime runs the graph as written (no fusions): its PadFusion
     * merges a constant-zero Pad into a following MaxPool, which then pads with -infinity instead
     * of zeros, so the optimized result is not the model's.
     */
    static Output run(byte[] model, float[] input, long[] shape, boolean optimized) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = optimized ? new OrtSession.SessionOptions() : unoptimized();
             OrtSession session = env.createSession(model, opts);
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape)) {
            String name = session.getInputNames().iterator().next();
            try (OrtSession.Result r = session.run(Map.of(name, x))) {
                OnnxTensor y = (OnnxTensor) r.get(0);
                FloatBuffer fb = y.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return new Output(v, y.getInfo().getShape());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions unoptimized() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        return o;
    }

    static float[] random(long seed, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Random r = new Random(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** The inferred shape with the batch dimension (-1) replaced by {@code batch}. */
    static long[] withBatch(long[] shape, long batch) {
        long[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0) {
                s[i] = batch;
            }
        }
        return s;
    }
}
