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
 * ONNX Slice (opset 10+ form): inputs starts, ends, optional axes and steps (constant integer
 * tensors). Per axis, negative starts/ends count from the end, then they are clamped to
 * {@code [0, dim]} for positive steps and {@code [-1, dim-1]} for negative ones (INT64_MAX/MIN
 * mean "to the end"). A negative step is the positive-step slice of the same elements, reversed.
 * The output is a C-ordered copy. Backward writes G (reversed back where the step was negative)
 * into a zero gradient of X's shape. Shape rule: {@link #shapes}; slicing the dynamic batch is
 * supported only when it keeps the whole batch in order.
 */
public final class SliceOp implements Op {
    private final Node node;

    SliceOp(Node node) {
        this.node = node;
    }

    /**
     * Per input axis, {@code {first, step, count}} with a positive step and {@code first} the
     * lowest index taken, plus a flag whether the axis is reversed ({@code reversed[axis]}).
     * Axes not sliced are {@code {0, 1, dim}}.
     */
    record Plan(long[][] ranges, boolean[] reversed) {
        long[] outShape(long[] x) {
            long[] out = x.clone();
            for (int a = 0; a < x.length; a++) {
                out[a] = ranges[a] == null ? x[a] : ranges[a][2];
            }
            return out;
        }
    }

    static Plan plan(Node n, long[] x, long[] starts, long[] ends, long[] axes, long[] steps) {
        String where = "Slice '" + n.name() + "'";
        if (starts == null || ends == null || starts.length != ends.length) {
            throw new ShapeInferenceException(where + ": starts " + Arrays.toString(starts) + " and ends "
                    + Arrays.toString(ends) + " must be given with the same length");
        }
        int k = starts.length;
        if (axes != null && axes.length != k || steps != null && steps.length != k) {
            throw new ShapeInferenceException(where + ": axes " + Arrays.toString(axes) + " / steps "
                    + Arrays.toString(steps) + " must have " + k + " entries like starts");
        }
        long[] ax = axes;
        if (ax == null) {
            ax = new long[k];
            for (int i = 0; i < k; i++) {
                ax[i] = i;
            }
        }
        int[] norm = Axes.normalize(n, ax, x.length);
        long[][] ranges = new long[x.length][];
        boolean[] reversed = new boolean[x.length];
        for (int i = 0; i < k; i++) {
            int a = norm[i];
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new ShapeInferenceException(where + ": step 0 on axis " + a);
            }
            long dim = x[a];
            if (dim < 0) {
                if (step == 1 && (starts[i] == 0 || starts[i] <= Long.MIN_VALUE / 2) && ends[i] >= Integer.MAX_VALUE) {
                    continue; // the whole dynamic batch
                }
                throw new ShapeInferenceException(where + ": slices the dynamic batch dimension (axis " + a + ")", true);
            }
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            long first;
            if (step > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
                count = Math.max(0, (e - s + step - 1) / step);
                first = s;
            } else {
                s = Math.max(-1, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
                count = Math.max(0, (s - e + (-step) - 1) / -step);
                first = s + (count - 1) * step;
                reversed[a] = count > 1;
            }
            if (count == 0) {
                throw new ShapeInferenceException(where + ": the slice of axis " + a + " (start " + starts[i] + ", end "
                        + ends[i] + ", step " + step + ") is empty");
            }
            ranges[a] = new long[] {first, Math.abs(step), count};
        }
        return new Plan(ranges, reversed);
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] x = in.get(0);
        Plan p = plan(n, x, Axes.constantInput(n, 1, constants, "starts"), Axes.constantInput(n, 2, constants, "ends"),
                Axes.constantInput(n, 3, constants, "axes"), Axes.constantInput(n, 4, constants, "steps"));
        return List.of(p.outShape(x));
    }

    private Plan plan(INDArray[] inputs) {
        return plan(node, inputs[0].shape(), Axes.runtimeInput(inputs, 1), Axes.runtimeInput(inputs, 2),
                Axes.runtimeInput(inputs, 3), Axes.runtimeInput(inputs, 4));
    }

    private static INDArrayIndex[] index(Plan p, int rank) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int a = 0; a < rank; a++) {
            long[] r = p.ranges()[a];
            idx[a] = r == null ? NDArrayIndex.all() : NDArrayIndex.interval(r[0], r[1], r[0] + (r[2] - 1) * r[1] + 1);
        }
        return idx;
    }

    private static INDArray reverse(INDArray v, Plan p) {
        INDArray out = v;
        for (int a = 0; a < v.rank(); a++) {
            if (p.reversed()[a]) {
                out = CustomOps.exec("reverse", new INDArray[] {out}, new int[] {a})[0];
            }
        }
        return out;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        Plan p = plan(inputs);
        return new INDArray[] {reverse(x.get(index(p, x.rank())).dup('c'), p)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        Plan p = plan(inputs);
        INDArray dx = Nd4j.zeros(gradOutputs[0].dataType(), x.shape());
        dx.get(index(p, x.rank())).assign(reverse(gradOutputs[0], p));
        INDArray[] out = new INDArray[inputs.length];
        out[0] = dx;
        return out;
    }
}
