package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Gemm: {@code Y = alpha * A' B' + beta * C} with {@code A' = transA ? A^T : A} [M,K],
 * {@code B' = transB ? B^T : B} [K,N] and optional C broadcast (numpy, unidirectional) to [M,N].
 *
 * <p>Backward with G = dL/dY: {@code dA' = alpha G B'^T}, {@code dB' = alpha A'^T G}
 * (transposed back when transA/transB), {@code dC = beta * G} summed over C's broadcast
 * dimensions. Trainable inputs: B (1) and C (2).
 */
final class GemmOp implements Op {
    private final Node node;
    private final boolean transA;
    private final boolean transB;
    private final double alpha;
    private final double beta;

    GemmOp(Node node) {
        this.node = node;
        this.transA = node.attrInt("transA", 0) != 0;
        this.transB = node.attrInt("transB", 0) != 0;
        this.alpha = node.attrFloat("alpha", 1.0);
        this.beta = node.attrFloat("beta", 1.0);
    }

    private void check(INDArray a, INDArray b) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("Gemm '" + node.name() + "': A " + Arrays.toString(a.shape())
                    + " and B " + Arrays.toString(b.shape()) + " must both be 2-D");
        }
        long ka = transA ? a.size(0) : a.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        if (ka != kb) {
            throw new IllegalArgumentException("Gemm '" + node.name() + "': inner dimensions differ: A "
                    + Arrays.toString(a.shape()) + (transA ? "^T" : "") + " x B " + Arrays.toString(b.shape())
                    + (transB ? "^T" : ""));
        }
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        INDArray c = inputs.length > 2 ? inputs[2] : null;
        check(a, b);
        INDArray y = Nd4j.gemm(a, b, transA, transB);
        if (alpha != 1.0) {
            y.muli(alpha);
        }
        if (c != null && beta != 0.0) {
            Broadcasting.shape(c.shape(), y.shape(), "Gemm '" + node.name() + "' C");
            y.addi(beta == 1.0 ? c : c.mul(beta));
        }
        return new INDArray[] {y};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        INDArray c = inputs.length > 2 ? inputs[2] : null;
        INDArray g = gradOutputs[0];
        INDArray da = transA ? Nd4j.gemm(b, g, transB, true) : Nd4j.gemm(g, b, false, !transB);
        INDArray db = transB ? Nd4j.gemm(g, a, true, transA) : Nd4j.gemm(a, g, !transA, false);
        if (alpha != 1.0) {
            da.muli(alpha);
            db.muli(alpha);
        }
        INDArray[] out = new INDArray[inputs.length];
        out[0] = da;
        out[1] = db;
        if (c != null) {
            INDArray dc = Broadcasting.reduceTo(g, c.shape());
            out[2] = dc == g ? g.mul(beta) : dc.muli(beta);
        }
        return out;
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {1, 2};
    }
}
