package io.qforge.engine.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Mean softmax cross-entropy over a batch of logits [N, C] with integer labels:
 * {@code loss = mean(logsumexp(z) - z[y])}, {@code dL/dz = (softmax(z) - onehot(y)) / N}.
 */
public final class SoftmaxCrossEntropy {
    private final double loss;
    private final INDArray gradient;
    private final int correct;

    private SoftmaxCrossEntropy(double loss, INDArray gradient, int correct) {
        this.loss = loss;
        this.gradient = gradient;
        this.correct = correct;
    }

    public static SoftmaxCrossEntropy of(INDArray logits, int[] labels) {
        long n = logits.size(0);
        INDArray z = logits.reshape(n, -1);
        INDArray shifted = z.subColumnVector(z.max(1).reshape(n, 1));
        INDArray exp = Transforms.exp(shifted, true);
        INDArray sum = exp.sum(1).reshape(n, 1);
        INDArray probs = exp.diviColumnVector(sum);
        INDArray logSum = Transforms.log(sum, true);
        INDArray onehot = Nd4j.zeros(z.dataType(), z.shape());
        double total = 0;
        int correct = 0;
        INDArray argmax = Nd4j.argMax(z, 1);
        for (int i = 0; i < n; i++) {
            onehot.putScalar(i, labels[i], 1.0);
            total += logSum.getDouble(i) - shifted.getDouble(i, labels[i]);
            if (argmax.getInt(i) == labels[i]) {
                correct++;
            }
        }
        INDArray grad = probs.subi(onehot).divi(n).reshape(logits.shape());
        return new SoftmaxCrossEntropy(total / n, grad, correct);
    }

    public double loss() {
        return loss;
    }

    public INDArray gradient() {
        return gradient;
    }

    /** Number of rows whose arg-max equals the label. */
    public int correct() {
        return correct;
    }
}
