package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX ReduceMean and ReduceSum: the mean or sum over {@code axes} (attribute; ReduceSum from
 * opset 13 takes them as input 1), keeping the reduced dimensions as size 1 when
 * {@code keepdims=1} (default). Empty or absent axes reduce every axis, or with
 * {@code noop_with_empty_axes=1} (ReduceSum 13+) pass X through. The dynamic batch axis cannot
 * be reduced. Backward: G broadcast back over the reduced axes (divided by the number of
 * reduced elements for the mean). Shape rule: {@link #shapes}. (The importer turns a ReduceMean
 * over the spatial axes of an NCHW tensor into GlobalAveragePool.)
 */
public final class ReduceOp implements Op {
    private final Node node;
    private final boolean mean;

    ReduceOp(Node node) {
        this.node = node;
        this.mean = node.opType().equals("ReduceMean");
    }

    /** The reduced axes, sorted; null for the identity (noop_with_empty_axes with no axes). */
    static int[] reducedAxes(Node n, long[] x, long[] axes) {
        if (axes == null || axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                return null;
            }
            axes = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                axes[i] = i;
            }
        }
        int[] a = Axes.normalize(n, axes, x.length);
        Arrays.sort(a);
        for (int i : a) {
            if (x[i] < 0) {
                throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': reduces the dynamic batch"
                        + " dimension (axis " + i + ")", true);
            }
        }
        return a;
    }

    static long[] outShape(Node n, long[] x, int[] axes) {
        if (axes == null) {
            return x.clone();
        }
        boolean keep = n.attrInt("keepdims", 1) != 0;
        long[] out = new long[keep ? x.length : x.length - axes.length];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            boolean reduced = Arrays.binarySearch(axes, i) >= 0;
            if (!reduced) {
                out[k++] = x[i];
            } else if (keep) {
                out[k++] = 1;
            }
        }
        return out;
    }

    private static long[] axesOf(Node n, long[] fromInput) {
        return fromInput != null ? fromInput : n.attrInts("axes", null);
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] axes = axesOf(n, Axes.constantInput(n, 1, constants, "axes"));
        return List.of(outShape(n, in.get(0), reducedAxes(n, in.get(0), axes)));
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        int[] axes = reducedAxes(node, x.shape(), axesOf(node, Axes.runtimeInput(inputs, 1)));
        if (axes == null) {
            return new INDArray[] {x.dup()};
        }
        INDArray r = mean ? x.mean(true, axes) : x.sum(true, axes);
        return new INDArray[] {r.reshape('c', outShape(node, x.shape(), axes))};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        int[] axes = reducedAxes(node, x.shape(), axesOf(node, Axes.runtimeInput(inputs, 1)));
        INDArray[] out = new INDArray[inputs.length];
        if (axes == null) {
            out[0] = gradOutputs[0];
            return out;
        }
        long[] kept = x.shape().clone();
        long count = 1;
        for (int a : axes) {
            kept[a] = 1;
            count *= x.size(a);
        }
        INDArray g = gradOutputs[0].reshape('c', kept).broadcast(x.shape());
        out[0] = mean ? g.divi(count) : g;
        return out;
    }
}
