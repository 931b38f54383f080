package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ONNX Pad (opset 11+ form): input 1 {@code pads = [b_0..b_{r-1}, e_0..e_{r-1}]} (constant,
 * non-negative: cropping is not supported), optional input 2 the constant value (default 0),
 * attribute {@code mode}: {@code constant}, {@code reflect} (mirror without repeating the edge,
 * each pad smaller than its dimension) or {@code edge} (repeat the border). Forward: constant
 * pads with ND4J's pad; reflect and edge pad one axis at a time, concatenating the border
 * slices each padded position reads ({@link #source}). Backward: the interior of G, plus for
 * reflect and edge each border slice of G added back onto the slice it was copied from, axis by
 * axis in reverse order. The dynamic batch axis cannot be padded. Shape rule: {@link #shapes}.
 */
public final class PadOp implements Op {
    private final Node node;
    private final String mode;

    PadOp(Node node) {
        this.node = node;
        this.mode = node.attrString("mode", "constant");
        if (!List.of("constant", "reflect", "edge").contains(mode)) {
            throw new IllegalArgumentException("Pad '" + node.name() + "': mode '" + mode
                    + "' is not supported (constant, reflect, edge)");
        }
    }

    static void check(Node n, long[] x, long[] pads) {
        String where = "Pad '" + n.name() + "'";
        if (pads == null || pads.length != 2 * x.length) {
            throw new ShapeInferenceException(where + ": pads " + Arrays.toString(pads) + " must have " + 2 * x.length
                    + " entries for a rank-" + x.length + " input");
        }
        String mode = n.attrString("mode", "constant");
        for (int i = 0; i < pads.length; i++) {
            int axis = i % x.length;
            if (pads[i] < 0) {
                throw new ShapeInferenceException(where + ": pads " + Arrays.toString(pads)
                        + " has a negative entry (cropping is not supported)");
            }
            if (pads[i] > 0 && x[axis] < 0) {
                throw new ShapeInferenceException(where + ": pads the dynamic batch dimension", true);
            }
            if (mode.equals("reflect") && pads[i] >= x[axis] && pads[i] > 0) {
                throw new ShapeInferenceException(where + ": reflect pad " + pads[i] + " on axis " + axis
                        + " must be smaller than the dimension " + x[axis]);
            }
        }
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] x = in.get(0);
        long[] pads = Axes.constantInput(n, 1, constants, "pads");
        if (pads == null) {
            pads = n.attrInts("pads", null);
        }
        check(n, x, pads);
        long[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            if (x[i] >= 0) {
                out[i] = x[i] + pads[i] + pads[i + x.length];
            }
        }
        return List.of(out);
    }

    private long[] pads(INDArray[] inputs) {
        long[] p = Axes.runtimeInput(inputs, 1);
        p = p == null ? node.attrInts("pads", null) : p;
        check(node, inputs[0].shape(), p);
        return p;
    }

    private static double value(INDArray[] inputs) {
        return inputs.length > 2 && inputs[2] != null && inputs[2].length() > 0 ? inputs[2].getDouble(0) : 0.0;
    }

    /** The index along an axis of size {@code n} that padded position {@code j} (of {@code b + n + e}) copies. */
    private long source(long j, long b, long n) {
        long i = j - b;
        if (mode.equals("edge")) {
            return Math.max(0, Math.min(n - 1, i));
        }
        if (i < 0) {
            return -i;
        }
        return i >= n ? 2 * (n - 1) - i : i;
    }

    private static INDArrayIndex[] at(int rank, int axis, INDArrayIndex idx) {
        INDArrayIndex[] out = new INDArrayIndex[rank];
        Arrays.fill(out, NDArrayIndex.all());
        out[axis] = idx;
        return out;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        long[] p = pads(inputs);
        int r = x.rank();
        if (mode.equals("constant")) {
            int[][] w = new int[r][2];
            for (int a = 0; a < r; a++) {
                w[a] = new int[] {(int) p[a], (int) p[a + r]};
            }
            return new INDArray[] {Nd4j.pad(x, w, Pad.Mode.CONSTANT, value(inputs))};
        }
        INDArray cur = x;
        for (int a = 0; a < r; a++) {
            long b = p[a];
            long e = p[a + r];
            if (b == 0 && e == 0) {
                continue;
            }
            long n = cur.size(a);
            INDArray[] parts = new INDArray[(int) (b + 1 + e)];
            int k = 0;
            for (long j = 0; j < b; j++) {
                parts[k++] = cur.get(at(r, a, NDArrayIndex.interval(source(j, b, n), source(j, b, n) + 1)));
            }
            parts[k++] = cur;
            for (long j = b + n; j < b + n + e; j++) {
                parts[k++] = cur.get(at(r, a, NDArrayIndex.interval(source(j, b, n), source(j, b, n) + 1)));
            }
            cur = Nd4j.concat(a, parts);
        }
        return new INDArray[] {cur == x ? x.dup() : cur};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray x = inputs[0];
        long[] p = pads(inputs);
        int r = x.rank();
        INDArray g = gradOutputs[0];
        for (int a = r - 1; a >= 0; a--) {
            long b = p[a];
            long e = p[a + r];
            if (b == 0 && e == 0) {
                continue;
            }
            long n = g.size(a) - b - e;
            INDArray inner = g.get(at(r, a, NDArrayIndex.interval(b, b + n))).dup('c');
            if (!mode.equals("constant")) {
                for (long j = 0; j < b + n + e; j++) {
                    if (j >= b && j < b + n) {
                        continue;
                    }
                    long s = source(j, b, n);
                    inner.get(at(r, a, NDArrayIndex.interval(s, s + 1)))
                            .addi(g.get(at(r, a, NDArrayIndex.interval(j, j + 1))));
                }
            }
            g = inner;
        }
        INDArray[] out = new INDArray[inputs.length];
        out[0] = g == gradOutputs[0] ? g.dup() : g;
        return out;
    }
}
