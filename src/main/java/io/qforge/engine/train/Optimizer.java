package io.qforge.engine.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Updates parameters in place from their gradients. State (momentum, moments) lives outside workspaces. */
public interface Optimizer {
    void step(Map<String, INDArray> params, Map<String, INDArray> grads, double learningRate);

    /**
     * What the optimizer carries from step to step, for a checkpoint: the number of steps taken and
     * its buffers per parameter (SGD: velocity; Adam: first and second moments), not copied.
     */
    record State(long steps, Map<String, INDArray[]> buffers) {}

    State state();

    /** Continues from a {@link #state()} of an optimizer of the same kind (buffers are copied in). */
    void restore(State state);

    static Optimizer of(TrainConfig cfg) {
        return switch (cfg.optimizer()) {
            case SGD -> new Sgd(cfg.momentum(), cfg.weightDecay());
            case ADAM -> new Adam(0.9, 0.999, 1e-8, cfg.weightDecay());
        };
    }
}
