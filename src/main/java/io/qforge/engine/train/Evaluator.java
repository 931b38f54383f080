package io.qforge.engine.train;

import io.qforge.engine.data.Batches;
import io.qforge.engine.exec.Executor;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Inference-mode top-1 accuracy and mean cross-entropy over a dataset, batch by batch. */
public final class Evaluator {
    private Evaluator() {
    }

    public static Metrics evaluate(Executor exec, INDArray x, int[] y, int batchSize) {
        double lossSum = 0;
        int correct = 0;
        for (int[] idx : Batches.sequential(y.length, batchSize)) {
            try (MemoryWorkspace ws = Workspaces.step("qforge-eval")) {
                INDArray xb = Batches.gather(x, idx);
                Executor.Pass pass = exec.forward(xb, false, false);
                SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(pass.value(exec.logitsName()), Batches.gather(y, idx));
                lossSum += ce.loss() * idx.length;
                correct += ce.correct();
            }
        }
        int n = y.length;
        return new Metrics(n == 0 ? 0 : (double) correct / n, n == 0 ? 0 : lossSum / n, n);
    }

    /** Outputs of the graph for every row of {@code x}, concatenated (outside any workspace). */
    public static INDArray predictAll(Executor exec, INDArray x, int batchSize) {
        int n = (int) x.size(0);
        INDArray out = null;
        int row = 0;
        for (int[] idx : Batches.sequential(n, batchSize)) {
            try (MemoryWorkspace ws = Workspaces.step("qforge-eval")) {
                INDArray yb = exec.predict(Batches.gather(x, idx));
                if (out == null) {
                    long[] shape = yb.shape().clone();
                    shape[0] = n;
                    out = Workspaces.detached(() -> Nd4j.create(yb.dataType(), shape));
                }
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, row + idx.length)).assign(yb);
                row += idx.length;
            }
        }
        return out;
    }
}
