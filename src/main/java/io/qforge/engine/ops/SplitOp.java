package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ONNX Split along {@code axis} (default 0) into one output per node output: sizes from
 * {@code split} (opset 13+: input 1; the importer turns the opset 11-12 attribute into that input),
 * or equal parts when absent (the axis must divide evenly). Outputs are C-ordered copies.
 * Backward concatenates the outputs' gradients along the axis (zeros for an output that does not
 * reach the loss). Shape rule: {@link #shapes}.
 */
public final class SplitOp implements Op {
    private final Node node;

    SplitOp(Node node) {
        this.node = node;
    }

    /** The size of each part along the (non-negative) axis. */
    static long[] sizes(Node n, long dim, long[] split) {
        int parts = n.outputs().size();
        String where = "Split '" + n.name() + "'";
        if (split == null) {
            if (dim < 0) {
                throw new ShapeInferenceException(where + ": splits the dynamic batch dimension", true);
            }
            if (dim % parts != 0) {
                throw new ShapeInferenceException(where + ": dimension " + dim + " does not split into " + parts
                        + " equal parts");
            }
            long[] s = new long[parts];
            Arrays.fill(s, dim / parts);
            return s;
        }
        if (split.length != parts) {
            throw new ShapeInferenceException(where + ": split " + Arrays.toString(split) + " has " + split.length
                    + " entries for " + parts + " outputs");
        }
        long sum = 0;
        for (long v : split) {
            if (v < 0) {
                throw new ShapeInferenceException(where + ": split " + Arrays.toString(split) + " has a negative entry");
            }
            sum += v;
        }
        if (dim < 0) {
            throw new ShapeInferenceException(where + ": splits the dynamic batch dimension", true);
        }
        if (sum != dim) {
            throw new ShapeInferenceException(where + ": split " + Arrays.toString(split) + " sums to " + sum
                    + ", the axis has " + dim);
        }
        return split;
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] x = in.get(0);
        int axis = Axes.normalize(n, n.attrInt("axis", 0), x.length);
        long[] split = n.hasInput(1) ? Axes.constantInput(n, 1, constants, "split") : n.attrInts("split", null);
        List<long[]> out = new ArrayList<>();
        for (long size : sizes(n, x[axis], split)) {
            long[] s = x.clone();
            s[axis] = size;
            out.add(s);
        }
        return out;
    }

    private static INDArrayIndex[] range(int rank, int axis, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int d = 0; d < rank; d++) {
            idx[d] = d == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return idx;
    }

    private long[] sizes(INDArray[] inputs, int axis) {
        long[] split = inputs.length > 1 && inputs[1] != null ? Axes.values(inputs[1]) : node.attrInts("split", null);
        return sizes(node, inputs[0].size(axis), split);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        int axis = Axes.normalize(node, node.attrInt("axis", 0), x.rank());
        long[] sizes = sizes(inputs, axis);
        INDArray[] out = new INDArray[sizes.length];
        long from = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = x.get(range(x.rank(), axis, from, from + sizes[i])).dup('c');
            from += sizes[i];
        }
        return out;
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        int axis = Axes.normalize(node, node.attrInt("axis", 0), x.rank());
        long[] sizes = sizes(inputs, axis);
        INDArray dx = Nd4j.zeros(x.dataType(), x.shape());
        long from = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (gradOutputs[i] != null) {
                dx.get(range(x.rank(), axis, from, from + sizes[i])).assign(gradOutputs[i]);
            }
            from += sizes[i];
        }
        INDArray[] out = new INDArray[inputs.length];
        out[0] = dx;
        return out;
    }
}
