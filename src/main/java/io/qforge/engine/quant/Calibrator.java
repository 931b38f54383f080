package io.qforge.engine.quant;

import io.qforge.engine.data.Batches;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.train.Workspaces;
import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Post-training calibration: inference passes with every observer on and fake quantization off
 * (the graph computes the FP32 function, so each observer sees the float tensor it will quantize),
 * then every quantizer's params are computed, observers turned off and fake quantization on.
 * PTQ is this with the FP32 weights unchanged, followed by an evaluation of
 * {@link QatModel#executor()}.
 */
public final class Calibrator {
    /** Seed of the calibration batches (a fixed shuffle of the data, so runs are repeatable). */
    public static final long SEED = 0x0ca1L;

    private Calibrator() {
    }

    /**
     * Observes {@code numBatches} batches of {@code batchSize} rows of {@code x} (fewer when x is
     * smaller), drawn in a fixed shuffled order. Observers are reset first.
     *
     * @throws IllegalStateException naming a quantizer that saw no data
     */
    public static void calibrate(QatModel model, INDArray x, int batchSize, int numBatches) {
        if (batchSize < 1 || numBatches < 1) {
            throw new IllegalArgumentException("calibration: batchSize " + batchSize + " and numBatches " + numBatches
                    + " must be >= 1");
        }
        Executor exec = model.executor();
        model.quantizers().values().forEach(q -> q.observer().reset());
        model.setFakeQuantEnabled(false);
        model.setObserversEnabled(true);
        List<int[]> batches = Batches.shuffled((int) x.size(0), batchSize, SEED, 0);
        int n = Math.min(numBatches, batches.size());
        for (int b = 0; b < n; b++) {
            int[] idx = batches.get(b);
            try (MemoryWorkspace ws = Workspaces.step("qforge-calibration")) {
                exec.forward(Batches.gather(x, idx), false, false);
            }
        }
        model.setObserversEnabled(false);
        for (FakeQuantizer q : model.quantizers().values()) {
            if (!q.observer().hasObservations()) {
                throw new IllegalStateException("calibration: quantizer '" + q.name() + "' saw no data");
            }
            q.params();
        }
        model.seedLearnedScales();
        model.setFakeQuantEnabled(true);
    }
}
