package io.qforge.engine.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs ONNX bytes in ONNX Runtime (the reference nobody here wrote) on a float input, with the
 * session optimizations on (the default level, ALL), so QDQ groups run as integer kernels.
 */
public final class OrtRunner implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OrtRunner(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            session = env.createSession(model, opts);
        }
    }

    public INDArray run(INDArray input) throws OrtException {
        INDArray x = input.castTo(DataType.FLOAT).dup('c');
        String name = session.getInputNames().iterator().next();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data().asFloat()), x.shape());
             OrtSession.Result r = session.run(Map.of(name, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return Nd4j.create(data, shape, 'c');
        }
    }

    /**
     * {@link #run} over {@code x} in chunks of {@code batch} rows, outputs stacked in row order: ONNX
     * Runtime's memory arena grows to the largest batch it ran, so a whole split at once would
     * keep every layer's activations for the whole split.
     */
    public INDArray runBatched(INDArray x, int batch) throws OrtException {
        long n = x.size(0);
        if (n <= batch) return run(x);
        INDArray all = null;
        for (long row = 0; row < n; row += batch) {
            long end = Math.min(n, row + batch);
            INDArray y = run(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, end)));
            if (all == null) {
                long[] shape = y.shape().clone();
                shape[0] = n;
                all = Nd4j.create(DataType.FLOAT, shape);
            }
            all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, end)).assign(y);
        }
        return all;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
