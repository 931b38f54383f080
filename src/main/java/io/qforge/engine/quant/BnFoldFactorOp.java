package io.qforge.engine.quant;

import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-channel factor of BatchNorm folding during QAT (QAT-MATH.md, PyTorch's ConvBn scheme):
 * <pre>
 * sigma = sqrt(running_var + eps)     f = gamma / sigma     1/f = sigma / gamma
 * outputs: f as [C,1,1,1] (scales the conv weight [oC,iC,kH,kW]), 1/f as [1,C,1,1] (unscales NCHW)
 * backward: dL/dgamma = dL/df / sigma - dL/d(1/f) * sigma / gamma^2;  running_var gets none
 * </pre>
 * The arithmetic is that of {@link BnFold}. sigma is saved in the forward: BatchNorm later in the
 * same pass updates running_var in place.
 * A channel with {@code gamma == 0} makes {@code 1/f} infinite (as in PyTorch); such a channel
 * cannot be folded this way.
 */
final class BnFoldFactorOp implements Op {
    private static final String SIGMA = "bnfold.sigma";
    private final Node node;
    private final double epsilon;

    BnFoldFactorOp(Node node) {
        this.node = node;
        this.epsilon = node.attrFloat("epsilon", 1e-5);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray gamma = inputs[0];
        INDArray var = inputs[1];
        if (gamma.length() != var.length()) {
            throw new IllegalArgumentException(QatOpTypes.BN_FOLD_FACTOR + " '" + node.name() + "': gamma has "
                    + gamma.length() + " channels, running_var " + var.length());
        }
        long c = gamma.length();
        INDArray sigma = BnFold.sigma(var, epsilon);
        ctx.save(SIGMA, sigma);
        INDArray f = gamma.reshape(c).div(sigma).reshape(c, 1, 1, 1);
        INDArray inv = sigma.div(gamma.reshape(c)).reshape(1, c, 1, 1);
        return new INDArray[] {f, inv};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray gamma = inputs[0];
        long c = gamma.length();
        INDArray sigma = ctx.saved(SIGMA);
        INDArray g = null;
        if (gradOutputs[0] != null) {
            g = gradOutputs[0].reshape(c).div(sigma);
        }
        if (gradOutputs.length > 1 && gradOutputs[1] != null) {
            INDArray gv = gamma.reshape(c);
            INDArray d = gradOutputs[1].reshape(c).mul(sigma).divi(gv.mul(gv)).negi();
            g = g == null ? d : g.addi(d);
        }
        return new INDArray[] {g == null ? null : g.reshape(gamma.shape()), null};
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {0};
    }
}
