package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX BatchNormalization over channel axis 1 of X [N,C,...] (2-D [N,C] included):
 * {@code Y = scale * (X - mu) / sqrt(sigma2 + epsilon) + B}.
 *
 * <p><b>Batch-statistics mode</b> ({@code ctx.training() && !ctx.batchNormFrozen()}):
 * {@code mu}, {@code sigma2} are the batch mean and biased variance over all axes but 1, and
 * the running statistics (inputs 3 and 4) are updated <em>in place</em>, ONNX style:
 * {@code running = running * momentum + batch * (1 - momentum)}, where the variance fed to
 * the update is the <em>unbiased</em> batch variance {@code sigma2 * n / (n - 1)} (n = elements
 * per channel), as PyTorch does. Note ONNX momentum 0.9 equals PyTorch momentum 0.1.
 * Backward: ND4J {@code batchnorm_bp}, the exact gradient through the batch statistics.
 *
 * <p><b>Running-statistics mode</b> (inference, or BN frozen): mu, sigma2 are inputs 3 and 4,
 * untouched. Backward: {@code dX = G * scale / sqrt(var + eps)} per channel.
 *
 * <p>Both modes: {@code dScale = sum(G * xhat)}, {@code dB = sum(G)} over all axes but 1; mean
 * and var never get gradients. Trainable inputs: scale (1) and B (2). Extra outputs (old
 * opsets / training-mode exports), when the node declares them: 1 = running mean, 2 = running
 * var (copies after the update), 3 = batch mean, 4 = batch (biased) variance.
 */
final class BatchNormOp implements Op {
    private static final String MEAN = "bn.batchMean";
    private static final String VAR = "bn.batchVar";
    private static final String BATCH_MODE = "bn.batchMode";

    private final Node node;
    private final double epsilon;
    private final double momentum;

    BatchNormOp(Node node) {
        this.node = node;
        this.epsilon = node.attrFloat("epsilon", 1e-5);
        this.momentum = node.attrFloat("momentum", 0.9);
        if (node.attrInt("spatial", 1) != 1) {
            throw new IllegalArgumentException("BatchNormalization '" + node.name()
                    + "': spatial=0 (per-activation statistics) is not supported");
        }
        if (epsilon < 0 || momentum < 0 || momentum > 1) {
            throw new IllegalArgumentException("BatchNormalization '" + node.name() + "': epsilon " + epsilon
                    + " must be >= 0 and momentum " + momentum + " within [0, 1]");
        }
    }

    /** All axes except the channel axis 1. */
    private static int[] reduceDims(INDArray x) {
        int[] dims = new int[x.rank() - 1];
        dims[0] = 0;
        for (int i = 2; i < x.rank(); i++) {
            dims[i - 1] = i;
        }
        return dims;
    }

    /** Shape [1,C,1,...] that broadcasts a per-channel vector against x. */
    private static long[] channelShape(INDArray x) {
        long[] s = new long[x.rank()];
        Arrays.fill(s, 1);
        s[1] = x.size(1);
        return s;
    }

    private void check(INDArray[] in) {
        INDArray x = in[0];
        if (x.rank() < 2) {
            throw new IllegalArgumentException("BatchNormalization '" + node.name() + "': input of shape "
                    + Arrays.toString(x.shape()) + " has no channel axis");
        }
        long c = x.size(1);
        String[] names = {"X", "scale", "B", "mean", "var"};
        for (int i = 1; i < 5; i++) {
            if (in.length <= i || in[i] == null || in[i].length() != c) {
                throw new IllegalArgumentException("BatchNormalization '" + node.name() + "': input " + names[i]
                        + " must be a vector of " + c + " channels, got "
                        + (in.length <= i || in[i] == null ? "nothing" : Arrays.toString(in[i].shape())));
            }
        }
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        check(inputs);
        INDArray x = inputs[0];
        INDArray runMean = inputs[3];
        INDArray runVar = inputs[4];
        boolean batchMode = ctx.training() && !ctx.batchNormFrozen();
        INDArray mean = runMean;
        INDArray var = runVar;
        if (batchMode) {
            int[] dims = reduceDims(x);
            mean = x.mean(dims);
            var = x.var(false, dims);
            long n = x.length() / x.size(1);
            double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
            runMean.muli(momentum).addi(mean.mul(1.0 - momentum).reshape(runMean.shape()));
            runVar.muli(momentum).addi(var.mul(unbias * (1.0 - momentum)).reshape(runVar.shape()));
            ctx.save(MEAN, mean);
            ctx.save(VAR, var);
        }
        ctx.save(BATCH_MODE, batchMode);
        INDArray y = CustomOps.exec("batchnorm",
                new INDArray[] {x, vec(mean), vec(var), vec(inputs[1]), vec(inputs[2])},
                new int[] {1, 1, 1}, epsilon)[0];
        int nOut = Math.max(1, node.outputs().size());
        INDArray[] out = new INDArray[nOut];
        out[0] = y;
        INDArray[] extra = {null, runMean.dup(), runVar.dup(), mean, var};
        for (int i = 1; i < nOut && i < extra.length; i++) {
            out[i] = extra[i];
        }
        return out;
    }

    private static INDArray vec(INDArray t) {
        return t.rank() == 1 ? t : t.reshape(t.length());
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        check(inputs);
        INDArray x = inputs[0];
        INDArray g = gradOutputs[0];
        INDArray gamma = vec(inputs[1]);
        Boolean batchMode = ctx.saved(BATCH_MODE);
        if (batchMode == null) {
            throw new IllegalStateException("BatchNormalization '" + node.name()
                    + "': backward called without a forward in the same OpContext");
        }
        INDArray[] out = new INDArray[inputs.length];
        if (batchMode) {
            INDArray mean = ctx.saved(MEAN);
            INDArray var = ctx.saved(VAR);
            INDArray[] r = CustomOps.exec("batchnorm_bp",
                    new INDArray[] {x, mean, var, gamma, vec(inputs[2]), g}, new int[] {1, 1, 1}, epsilon);
            out[0] = r[0];
            out[1] = r[3].reshape(inputs[1].shape());
            out[2] = r[4].reshape(inputs[2].shape());
            return out;
        }
        long[] cs = channelShape(x);
        int[] dims = reduceDims(x);
        INDArray invStd = vec(inputs[4]).add(epsilon);
        invStd = org.nd4j.linalg.ops.transforms.Transforms.pow(invStd, -0.5, false).reshape(cs);
        out[0] = g.mul(gamma.reshape(cs).mul(invStd));
        INDArray xhat = x.sub(vec(inputs[3]).reshape(cs)).muli(invStd);
        out[1] = xhat.muli(g).sum(dims).reshape(inputs[1].shape());
        out[2] = g.sum(dims).reshape(inputs[2].shape());
        return out;
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {1, 2};
    }
}
