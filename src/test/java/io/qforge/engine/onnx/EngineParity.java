package io.qforge.engine.onnx;

import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The engine's FP32 forward pass of an imported model against ONNX Runtime on the original file. */
final class EngineParity {
    private EngineParity() {
    }

    /** Max |engine - ORT| on a seeded Gaussian input of {@code shape}; asserts equal output shapes. */
    static double maxAbsDiff(byte[] model, long seed, long... shape) {
        return maxAbsDiff(model, true, seed, shape);
    }

    /** As above; {@code optimized} false runs ORT without graph fusions (see {@link Ort#run}). */
    static double maxAbsDiff(byte[] model, boolean optimized, long seed, long... shape) {
        Graph g = OnnxImporter.load(model);
        float[] x = Ort.random(seed, shape);
        Ort.Output ort = Ort.run(model, x, shape, optimized);
        INDArray ours = new Executor(g).predict(Nd4j.create(x, shape, 'c'));
        if (!java.util.Arrays.equals(ours.shape(), ort.shape())) {
            throw new AssertionError("engine output shape " + java.util.Arrays.toString(ours.shape()) + " vs ORT "
                    + java.util.Arrays.toString(ort.shape()));
        }
        return Ort.maxAbsDiff(ours.dup('c').data().asFloat(), ort.values());
    }
}
