package io.qforge.engine.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/** Runs a one-input, one-output float model in ONNX Runtime at a given optimization level. */
final class OrtRun {

    private OrtRun() {
    }

    static T run(byte[] model, T x, OrtSession.SessionOptions.OptLevel level) {
        float[] in = new float[x.v().length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) x.v()[i];
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(level);
            try (OrtSession session = env.createSession(model, opts);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), x.longShape());
                 OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), t))) {
                OnnxTensor y = (OnnxTensor) r.get(0);
                FloatBuffer fb = y.getFloatBuffer();
                double[] v = new double[fb.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = fb.get(i);
                }
                return new T(v, Arrays.stream(y.getInfo().getShape()).mapToInt(d -> (int) d).toArray());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    static T random(long seed, double std, int... shape) {
        T t = T.zeros(shape);
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < t.v().length; i++) {
            t.v()[i] = (float) (r.nextGaussian() * std);
        }
        return t;
    }
}
