package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Transpose: {@code Y = X} with its axes permuted by {@code perm} (default: reversed), so
 * {@code Y.shape[i] = X.shape[perm[i]]}. The output is a C-ordered copy. Backward: G permuted by
 * the inverse permutation. Shape rule: {@link #shapes}.
 */
public final class TransposeOp implements Op {
    private final Node node;

    TransposeOp(Node node) {
        this.node = node;
    }

    /** The permutation for a rank-{@code rank} input, checked. */
    static int[] perm(Node n, int rank) {
        long[] p = n.attrInts("perm", null);
        int[] out = new int[rank];
        if (p == null) {
            for (int i = 0; i < rank; i++) {
                out[i] = rank - 1 - i;
            }
            return out;
        }
        if (p.length != rank) {
            throw new ShapeInferenceException("Transpose '" + n.name() + "': perm " + Arrays.toString(p)
                    + " has " + p.length + " entries for a rank-" + rank + " input");
        }
        int[] axes = Axes.normalize(n, p, rank);
        System.arraycopy(axes, 0, out, 0, rank);
        return out;
    }

    /** Output shape: {@code out[i] = x[perm[i]]}. */
    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] x = in.get(0);
        int[] p = perm(n, x.length);
        long[] out = new long[x.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = x[p[i]];
        }
        return List.of(out);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        return new INDArray[] {x.permute(perm(node, x.rank())).dup('c')};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        int[] p = perm(node, inputs[0].rank());
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inverse[p[i]] = i;
        }
        return new INDArray[] {gradOutputs[0].permute(inverse).dup('c')};
    }
}
