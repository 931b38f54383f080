package io.qforge.engine.train;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba) with L2 weight decay added to the gradient, as PyTorch's {@code Adam}:
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * m_hat / (sqrt(v_hat) + eps)}.
 */
public final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, INDArray[]> moments = new HashMap<>();
    private long t;

    public Adam(double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray p = params.get(e.getKey());
            INDArray g = e.getValue();
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            INDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> Workspaces.detached(
                    () -> new INDArray[] {Nd4j.zeros(p.dataType(), p.shape()), Nd4j.zeros(p.dataType(), p.shape())}));
            if (FusedUpdate.applies(p, g, mv[0], mv[1])) {
                FusedUpdate.adam(p, g, mv[0], mv[1], beta1, beta2, eps, lr / c1, c2);
                continue;
            }
            mv[0].muli(beta1).addi(g.mul(1 - beta1));
            mv[1].muli(beta2).addi(g.mul(g).muli(1 - beta2));
            INDArray denom = Transforms.sqrt(mv[1].div(c2), false).addi(eps);
            p.subi(mv[0].mul(lr / c1).divi(denom));
        }
    }

    @Override
    public State state() {
        return new State(t, new TreeMap<>(moments));
    }

    @Override
    public void restore(State state) {
        moments.clear();
        state.buffers().forEach((name, b) -> {
            if (b.length != 2) throw new IllegalArgumentException("Adam state of '" + name + "' has " + b.length + " buffers, not 2");
            moments.put(name, Workspaces.detached(() -> new INDArray[] {b[0].dup('c'), b[1].dup('c')}));
        });
        t = state.steps();
    }
}
