package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ONNX Gather with constant indices (input 1, an integer initializer; negative indices count
 * from the end): {@code Y = X} indexed along {@code axis}, shape
 * {@code X.shape[:axis] + indices.shape + X.shape[axis+1:]}. Backward adds each slice of G into the
 * slice of X it was taken from (repeated indices accumulate). The dynamic batch axis cannot be
 * gathered. Shape rule: {@link #shapes}.
 */
public final class GatherOp implements Op {
    private final Node node;

    GatherOp(Node node) {
        this.node = node;
    }

    static long[] outShape(Node n, long[] x, long[] indexShape, long[] indices) {
        int axis = Axes.normalize(n, n.attrInt("axis", 0), x.length);
        if (x[axis] < 0) {
            throw new ShapeInferenceException("Gather '" + n.name() + "': gathers along the dynamic batch dimension", true);
        }
        for (long j : indices) {
            if (j < -x[axis] || j >= x[axis]) {
                throw new ShapeInferenceException("Gather '" + n.name() + "': index " + j + " is outside dimension "
                        + axis + " of size " + x[axis]);
            }
        }
        long[] out = new long[x.length - 1 + indexShape.length];
        System.arraycopy(x, 0, out, 0, axis);
        System.arraycopy(indexShape, 0, out, axis, indexShape.length);
        System.arraycopy(x, axis + 1, out, axis + indexShape.length, x.length - axis - 1);
        return out;
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        INDArray idx = constants.apply(n.input(1));
        if (idx == null) {
            throw new ShapeInferenceException("Gather '" + n.name() + "': indices '" + n.input(1)
                    + "' must be a constant (only constant indices are supported)");
        }
        return List.of(outShape(n, in.get(0), idx.shape(), Axes.values(idx)));
    }

    private static INDArrayIndex[] at(int rank, int axis, long i) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[axis] = NDArrayIndex.point(i);
        return idx;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        long[] indices = Axes.values(inputs[1]);
        long[] outShape = outShape(node, x.shape(), inputs[1].shape(), indices);
        int axis = Axes.normalize(node, node.attrInt("axis", 0), x.rank());
        long[] stacked = x.shape().clone();
        stacked[axis] = indices.length;
        INDArray y = Nd4j.create(x.dataType(), stacked);
        for (int k = 0; k < indices.length; k++) {
            long j = indices[k] < 0 ? indices[k] + x.size(axis) : indices[k];
            y.get(at(x.rank(), axis, k)).assign(x.get(at(x.rank(), axis, j)));
        }
        return new INDArray[] {y.reshape('c', outShape)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        long[] indices = Axes.values(inputs[1]);
        int axis = Axes.normalize(node, node.attrInt("axis", 0), x.rank());
        long[] stacked = x.shape().clone();
        stacked[axis] = indices.length;
        INDArray g = gradOutputs[0].reshape('c', stacked);
        INDArray dx = Nd4j.zeros(g.dataType(), x.shape());
        for (int k = 0; k < indices.length; k++) {
            long j = indices[k] < 0 ? indices[k] + x.size(axis) : indices[k];
            dx.get(at(x.rank(), axis, j)).addi(g.get(at(x.rank(), axis, k)));
        }
        INDArray[] out = new INDArray[inputs.length];
        out[0] = dx;
        return out;
    }
}
