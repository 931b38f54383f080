package io.qforge.engine.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Updates parameters in place from their gradients. State (momentum, moments) lives outside workspaces. */
public interface Optimizer {
    void step(Map<String, INDArray> params, Map<String, INDArray> grads, double learningRate);

    static Optimizer of(TrainConfig cfg) {
        return switch (cfg.optimizer()) {
            case SGD -> new Sgd(cfg.momentum(), cfg.weightDecay());
            case ADAM -> new Adam(0.9, 0.999, 1e-8, cfg.weightDecay());
        };
    }
}
