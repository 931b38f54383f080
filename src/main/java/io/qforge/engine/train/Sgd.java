package io.qforge.engine.train;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SGD with momentum and L2 weight decay, as PyTorch defines it:
 * {@code g += wd * p; v = mu * v + g; p -= lr * v}.
 */
public final class Sgd implements Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final Map<String, INDArray> velocity = new HashMap<>();

    public Sgd(double momentum, double weightDecay) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray p = params.get(e.getKey());
            INDArray g = e.getValue();
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            if (momentum != 0) {
                INDArray v = velocity.computeIfAbsent(e.getKey(),
                        k -> Workspaces.detached(() -> Nd4j.zeros(p.dataType(), p.shape())));
                v.muli(momentum).addi(g);
                g = v;
            }
            p.subi(g.mul(lr));
        }
    }

    @Override
    public State state() {
        Map<String, INDArray[]> buffers = new TreeMap<>();
        velocity.forEach((name, v) -> buffers.put(name, new INDArray[] {v}));
        return new State(0, buffers);
    }

    @Override
    public void restore(State state) {
        velocity.clear();
        state.buffers().forEach((name, b) -> {
            if (b.length != 1) throw new IllegalArgumentException("SGD state of '" + name + "' has " + b.length + " buffers, not 1");
            velocity.put(name, Workspaces.detached(() -> b[0].dup('c')));
        });
    }
}
