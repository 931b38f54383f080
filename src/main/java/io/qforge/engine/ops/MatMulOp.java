package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX MatMul for rank >= 2 operands: {@code Y[..., M, N] = A[..., M, K] @ B[..., K, N]}.
 * Supported shapes: both 2-D; A N-D with a 2-D B (the weight is shared over A's leading
 * dimensions: A is viewed as [prod, K]); and A, B of equal rank with equal leading dimensions
 * (batched). Other broadcasts and 1-D operands are refused with a message.
 *
 * <p>Backward: {@code dA = G B^T}, {@code dB = A^T G} (summed over the leading dimensions of A
 * when B is 2-D). Trainable input: B (1), when the executor sees it is an initializer.
 */
final class MatMulOp implements Op {
    private final Node node;

    MatMulOp(Node node) {
        this.node = node;
    }

    private enum Mode { PLAIN, SHARED_WEIGHT, BATCHED }

    private Mode mode(INDArray a, INDArray b) {
        String where = "MatMul '" + node.name() + "'";
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException(where + ": operands " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " must be at least 2-D (1-D MatMul is not supported)");
        }
        if (a.size(-1) != b.size(-2)) {
            throw new IllegalArgumentException(where + ": inner dimensions differ: " + Arrays.toString(a.shape())
                    + " x " + Arrays.toString(b.shape()));
        }
        if (b.rank() == 2) {
            return a.rank() == 2 ? Mode.PLAIN : Mode.SHARED_WEIGHT;
        }
        long[] sa = a.shape();
        long[] sb = b.shape();
        if (a.rank() == b.rank() && Arrays.equals(Arrays.copyOf(sa, sa.length - 2), Arrays.copyOf(sb, sb.length - 2))) {
            return Mode.BATCHED;
        }
        throw new IllegalArgumentException(where + ": batch dimensions of " + Arrays.toString(sa) + " and "
                + Arrays.toString(sb) + " must be equal, or B must be 2-D");
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        return new INDArray[] {switch (mode(a, b)) {
            case PLAIN -> Nd4j.gemm(a, b, false, false);
            case SHARED_WEIGHT -> {
                long[] out = a.shape().clone(); // shape() may expose the array's own shape info
                out[out.length - 1] = b.size(1);
                yield Nd4j.gemm(flat(a), b, false, false).reshape(out);
            }
            case BATCHED -> CustomOps.exec("matmul", new INDArray[] {a, b}, new int[] {0, 0})[0];
        }};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray a = inputs[0];
        INDArray b = inputs[1];
        INDArray g = gradOutputs[0];
        INDArray da;
        INDArray db;
        switch (mode(a, b)) {
            case PLAIN -> {
                da = Nd4j.gemm(g, b, false, true);
                db = Nd4j.gemm(a, g, true, false);
            }
            case SHARED_WEIGHT -> {
                INDArray g2 = flat(g);
                da = Nd4j.gemm(g2, b, false, true).reshape(a.shape());
                db = Nd4j.gemm(flat(a), g2, true, false);
            }
            default -> {
                da = CustomOps.exec("matmul", new INDArray[] {g, b}, new int[] {0, 1})[0];
                db = CustomOps.exec("matmul", new INDArray[] {a, g}, new int[] {1, 0})[0];
            }
        }
        return new INDArray[] {da, db};
    }

    /** [..., K] viewed as [prod(...), K] (c order). */
    private static INDArray flat(INDArray t) {
        return t.reshape('c', t.length() / t.size(-1), t.size(-1));
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {1};
    }
}
