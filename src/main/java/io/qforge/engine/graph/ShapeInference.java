package io.qforge.engine.graph;

import io.qforge.engine.ops.GatherOp;
import io.qforge.engine.ops.PadOp;
import io.qforge.engine.ops.ReduceOp;
import io.qforge.engine.ops.SliceOp;
import io.qforge.engine.ops.SplitOp;
import io.qforge.engine.ops.SqueezeOp;
import io.qforge.engine.ops.TransposeOp;
import io.qforge.engine.ops.UnsqueezeOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Infers the shape of every tensor of a graph from its input shapes and initializers. The
 * dynamic batch dimension is -1; every other dimension is static. Mismatches (Gemm inner
 * dimensions, Conv channels, Concat sizes, broadcasting) throw {@link ShapeInferenceException}
 * naming the node.
 *
 * <p>Ops: Conv, MaxPool, AveragePool (pads/strides/dilations/groups, auto_pad, ceil_mode),
 * GlobalAveragePool, GlobalMaxPool, Gemm (transA/transB), MatMul (N-D broadcast), Add, Sub, Mul,
 * Div (broadcast), Flatten, Reshape (0 = copy, -1 = infer, constant shape), Concat,
 * BatchNormalization and the shape-preserving Relu, Sigmoid, Tanh, Clip, Softmax, Identity,
 * Dropout, HardSigmoid, HardSwish, Neg. The shape rules of Transpose, Squeeze, Unsqueeze, Split,
 * Slice, Gather, ReduceMean/ReduceSum and Pad live next to their kernels in the ops package.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /** Re-infers every tensor shape of {@code g}. */
    public static Map<String, long[]> infer(Graph g) {
        return infer(g.inputs(), g.nodes(), g.initializers());
    }

    /**
     * Infers shapes for graph inputs, initializers and every node output, walking the nodes in
     * the given (topological) order.
     */
    public static Map<String, long[]> infer(List<ValueInfo> inputs, List<Node> nodes, Map<String, INDArray> initializers) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ValueInfo in : inputs) {
            shapes.put(in.name(), in.shape());
        }
        initializers.forEach((k, v) -> shapes.put(k, v.shape()));
        for (Node n : nodes) {
            List<long[]> ins = new ArrayList<>();
            for (String name : n.inputs()) {
                if (name.isEmpty()) {
                    ins.add(null);
                } else {
                    long[] s = shapes.get(name);
                    if (s == null) {
                        throw new ShapeInferenceException(n.opType() + " '" + n.name() + "': input '" + name
                                + "' is not a graph input, an initializer or the output of an earlier node");
                    }
                    ins.add(s);
                }
            }
            List<long[]> outs = inferNode(n, ins, initializers::get);
            for (int i = 0; i < outs.size() && i < n.outputs().size(); i++) {
                if (!n.output(i).isEmpty()) {
                    shapes.put(n.output(i), outs.get(i));
                }
            }
        }
        return shapes;
    }

    /**
     * The output shapes of one node.
     *
     * @param in        shape of each input, null for an absent optional input
     * @param constants value of a constant input by tensor name (Reshape's shape), or null
     */
    public static List<long[]> inferNode(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = n.opType() + " '" + n.name() + "'";
        long[] x = in.isEmpty() ? null : in.get(0);
        return switch (n.opType()) {
            case "Relu", "Sigmoid", "Tanh", "Clip", "Softmax", "Identity", "Dropout", "LeakyRelu", "HardSigmoid",
                 "HardSwish", "Neg" -> List.of(x.clone());
            case "Add", "Sub", "Mul", "Div" -> List.of(Broadcast.shape(x, in.get(1), where));
            case "BatchNormalization" -> List.of(batchNorm(where, in));
            case "Conv" -> List.of(conv(n, where, in));
            case "MaxPool", "AveragePool" -> List.of(pool(n, where, x));
            case "GlobalAveragePool", "GlobalMaxPool" -> List.of(globalPool(where, x));
            case "Gemm" -> List.of(gemm(n, where, in));
            case "MatMul" -> List.of(matMul(where, x, in.get(1)));
            case "Flatten" -> List.of(flatten(n, where, x));
            case "Reshape" -> List.of(reshape(n, where, x, constants.apply(n.input(1))));
            case "Concat" -> List.of(concat(n, where, in));
            case "Transpose" -> TransposeOp.shapes(n, in, constants);
            case "Squeeze" -> SqueezeOp.shapes(n, in, constants);
            case "Unsqueeze" -> UnsqueezeOp.shapes(n, in, constants);
            case "Split" -> SplitOp.shapes(n, in, constants);
            case "Slice" -> SliceOp.shapes(n, in, constants);
            case "Gather" -> GatherOp.shapes(n, in, constants);
            case "ReduceMean", "ReduceSum" -> ReduceOp.shapes(n, in, constants);
            case "Pad" -> PadOp.shapes(n, in, constants);
            default -> throw new ShapeInferenceException(where + ": no shape inference for op type " + n.opType());
        };
    }

    private static long[] batchNorm(String where, List<long[]> in) {
        long[] x = in.get(0);
        if (x.length < 2) {
            throw new ShapeInferenceException(where + ": input rank " + x.length + " < 2");
        }
        for (int i = 1; i < Math.min(in.size(), 5); i++) {
            long[] p = in.get(i);
            if (p != null && (p.length != 1 || p[0] != x[1])) {
                throw new ShapeInferenceException(where + ": parameter input " + i + " has shape "
                        + Arrays.toString(p) + ", expected [" + x[1] + "] (channels of " + Arrays.toString(x) + ")");
            }
        }
        return x.clone();
    }

    private static long[] conv(Node n, String where, List<long[]> in) {
        long[] x = in.get(0);
        long[] w = in.get(1);
        if (x.length < 3 || w.length != x.length) {
            throw new ShapeInferenceException(where + ": input " + Arrays.toString(x) + " and weight "
                    + Arrays.toString(w) + " must have the same rank >= 3");
        }
        int s = x.length - 2;
        long group = n.attrInt("group", 1);
        if (group < 1) {
            throw new ShapeInferenceException(where + ": group " + group + " must be >= 1");
        }
        if (x[1] != w[1] * group) {
            throw new ShapeInferenceException(where + ": input has " + x[1] + " channels but weight "
                    + Arrays.toString(w) + " with group=" + group + " expects " + w[1] * group);
        }
        if (w[0] % group != 0) {
            throw new ShapeInferenceException(where + ": " + w[0] + " output channels not divisible by group=" + group);
        }
        long[] b = in.size() > 2 ? in.get(2) : null;
        if (b != null && (b.length != 1 || b[0] != w[0])) {
            throw new ShapeInferenceException(where + ": bias shape " + Arrays.toString(b) + ", expected [" + w[0] + "]");
        }
        long[] kernel = n.attrInts("kernel_shape", Arrays.copyOfRange(w, 2, w.length));
        if (!Arrays.equals(kernel, Arrays.copyOfRange(w, 2, w.length))) {
            throw new ShapeInferenceException(where + ": kernel_shape " + Arrays.toString(kernel)
                    + " disagrees with weight shape " + Arrays.toString(w));
        }
        long[] out = window(n, where, x, kernel, false);
        out[1] = w[0];
        return out;
    }

    private static long[] pool(Node n, String where, long[] x) {
        if (x.length < 3) {
            throw new ShapeInferenceException(where + ": input rank " + x.length + " < 3");
        }
        long[] kernel = n.attrInts("kernel_shape", null);
        if (kernel == null || kernel.length != x.length - 2) {
            throw new ShapeInferenceException(where + ": kernel_shape " + Arrays.toString(kernel)
                    + " must have " + (x.length - 2) + " entries");
        }
        return window(n, where, x, kernel, n.attrInt("ceil_mode", 0) != 0);
    }

    /** Output shape [N, C, out...] of a sliding window op; channels copied from x. */
    private static long[] window(Node n, String where, long[] x, long[] kernel, boolean ceil) {
        int s = x.length - 2;
        long[] spatial = Arrays.copyOfRange(x, 2, x.length);
        long[] strides = n.attrInts("strides", ones(s));
        long[] dil = n.attrInts("dilations", ones(s));
        long[] pads = pads(n, where, spatial, kernel, strides, dil);
        if (strides.length != s || dil.length != s) {
            throw new ShapeInferenceException(where + ": strides " + Arrays.toString(strides) + " / dilations "
                    + Arrays.toString(dil) + " must have " + s + " entries");
        }
        long[] out = x.clone();
        for (int i = 0; i < s; i++) {
            out[2 + i] = ConvGeometry.outputSize(spatial[i], kernel[i], strides[i], pads[i], pads[i + s], dil[i], ceil);
            if (out[2 + i] == 0 || out[2 + i] < -1) {
                throw new ShapeInferenceException(where + ": window " + kernel[i] + " (dilation " + dil[i]
                        + ") larger than padded input " + spatial[i] + " on spatial axis " + i);
            }
        }
        return out;
    }

    /**
     * Explicit pads [begin..., end...] from {@code pads} or {@code auto_pad}, after checking the
     * window: one kernel size, stride and dilation per spatial axis, each {@code >= 1}; pads
     * {@code >= 0}; an explicit pad no larger than the input along its axis; and, for MaxPool and
     * AveragePool, each pad smaller than the dilated kernel (ONNX Runtime refuses larger ones).
     */
    public static long[] pads(Node n, String where, long[] spatial, long[] kernel, long[] strides, long[] dil) {
        int s = spatial.length;
        checkAxes(where, "kernel_shape", kernel, s);
        checkAxes(where, "strides", strides, s);
        checkAxes(where, "dilations", dil, s);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] pads = switch (autoPad) {
            case "NOTSET" -> {
                long[] p = n.attrInts("pads", new long[2 * s]);
                if (p.length != 2 * s) {
                    throw new ShapeInferenceException(where + ": pads " + Arrays.toString(p) + " must have " + 2 * s + " entries");
                }
                for (int i = 0; i < 2 * s; i++) {
                    if (p[i] < 0) {
                        throw new ShapeInferenceException(where + ": pads " + Arrays.toString(p) + " has a negative entry");
                    }
                    if (spatial[i % s] >= 0 && p[i] > spatial[i % s]) {
                        throw new ShapeInferenceException(where + ": pad " + p[i] + " on spatial axis " + i % s
                                + " is larger than the input size " + spatial[i % s] + " (pads " + Arrays.toString(p)
                                + ", input spatial shape " + Arrays.toString(spatial) + ")");
                    }
                }
                yield p;
            }
            case "VALID" -> new long[2 * s];
            case "SAME_UPPER", "SAME_LOWER" -> ConvGeometry.samePads(spatial, kernel, strides, dil, autoPad.equals("SAME_UPPER"));
            default -> throw new ShapeInferenceException(where + ": unknown auto_pad '" + autoPad + "'");
        };
        if (n.opType().equals("MaxPool") || n.opType().equals("AveragePool")) {
            for (int i = 0; i < 2 * s; i++) {
                long extent = dil[i % s] * (kernel[i % s] - 1) + 1;
                if (pads[i] >= extent) {
                    throw new ShapeInferenceException(where + ": pad " + pads[i] + " on spatial axis " + i % s
                            + " is not smaller than the kernel " + extent + " (pads " + Arrays.toString(pads) + ")");
                }
            }
        }
        return pads;
    }

    private static void checkAxes(String where, String attr, long[] values, int axes) {
        if (values == null || values.length != axes) {
            throw new ShapeInferenceException(where + ": " + attr + " " + Arrays.toString(values) + " must have "
                    + axes + " entries (one per spatial axis)");
        }
        for (long v : values) {
            if (v < 1) {
                throw new ShapeInferenceException(where + ": " + attr + " " + Arrays.toString(values)
                        + " has an entry below 1");
            }
        }
    }

    private static long[] globalPool(String where, long[] x) {
        if (x.length < 3) {
            throw new ShapeInferenceException(where + ": input rank " + x.length + " < 3");
        }
        long[] out = x.clone();
        Arrays.fill(out, 2, out.length, 1);
        return out;
    }

    private static long[] gemm(Node n, String where, List<long[]> in) {
        long[] a = in.get(0);
        long[] b = in.get(1);
        if (a.length != 2 || b.length != 2) {
            throw new ShapeInferenceException(where + ": A " + Arrays.toString(a) + " and B " + Arrays.toString(b) + " must be 2-D");
        }
        boolean ta = n.attrInt("transA", 0) != 0;
        boolean tb = n.attrInt("transB", 0) != 0;
        long m = ta ? a[1] : a[0];
        long ka = ta ? a[0] : a[1];
        long kb = tb ? b[1] : b[0];
        long nn = tb ? b[0] : b[1];
        if (ka != kb || ka < 0) {
            throw new ShapeInferenceException(where + ": inner dimensions disagree: A " + Arrays.toString(a)
                    + (ta ? " (transposed)" : "") + " gives K=" + ka + ", B " + Arrays.toString(b)
                    + (tb ? " (transposed)" : "") + " gives K=" + kb);
        }
        long[] out = {m, nn};
        long[] c = in.size() > 2 ? in.get(2) : null;
        if (c != null && !Broadcast.unidirectional(c, out)) {
            throw new ShapeInferenceException(where + ": C " + Arrays.toString(c) + " does not broadcast to " + Arrays.toString(out));
        }
        return out;
    }

    private static long[] matMul(String where, long[] a, long[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new ShapeInferenceException(where + ": MatMul of a scalar");
        }
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        long k1 = a2[a2.length - 1];
        long k2 = b2[b2.length - 2];
        if (k1 != k2 || k1 < 0) {
            throw new ShapeInferenceException(where + ": inner dimensions disagree: " + Arrays.toString(a)
                    + " x " + Arrays.toString(b));
        }
        long[] batch = Broadcast.shape(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2), where);
        List<Long> out = new ArrayList<>();
        for (long d : batch) {
            out.add(d);
        }
        if (a.length > 1) {
            out.add(a2[a2.length - 2]);
        }
        if (b.length > 1) {
            out.add(b2[b2.length - 1]);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] flatten(Node n, String where, long[] x) {
        long axis = n.attrInt("axis", 1);
        if (axis < 0) {
            axis += x.length;
        }
        if (axis < 0 || axis > x.length) {
            throw new ShapeInferenceException(where + ": axis " + n.attrInt("axis", 1) + " out of range for rank " + x.length);
        }
        long[] out = {product(x, 0, (int) axis), product(x, (int) axis, x.length)};
        if (out[1] < 0 || out[0] < -1) {
            throw new ShapeInferenceException(where + ": axis " + axis + " would merge the dynamic batch dimension of "
                    + Arrays.toString(x) + " into the feature dimension", true);
        }
        return out;
    }

    /**
     * Reshape with ONNX semantics: 0 copies the input dimension (unless allowzero=1), one -1 is
     * inferred. With a dynamic batch B the input holds B*K elements; the output is valid only if
     * it keeps B as a whole dimension (a copied 0, or the -1 entry when the explicit entries
     * multiply to K).
     */
    private static long[] reshape(Node n, String where, long[] x, INDArray shapeTensor) {
        if (shapeTensor == null) {
            throw new ShapeInferenceException(where + ": shape input '" + n.input(1) + "' is not a constant");
        }
        long[] target = shapeTensor.toLongVector();
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        boolean inBatch = Arrays.stream(x).anyMatch(d -> d < 0);
        long known = Math.abs(product(x, 0, x.length)); // K: product of static input dims
        long[] out = new long[target.length];
        int inferAt = -1;
        long explicit = 1;
        boolean outBatch = false;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (i >= x.length) {
                    throw new ShapeInferenceException(where + ": shape entry " + i + " is 0 (copy) but input "
                            + Arrays.toString(x) + " has rank " + x.length);
                }
                t = x[i];
            } else if (t == -1) {
                if (inferAt >= 0) {
                    throw new ShapeInferenceException(where + ": shape " + Arrays.toString(target) + " has more than one -1");
                }
                inferAt = i;
                continue;
            } else if (t < 0) {
                throw new ShapeInferenceException(where + ": invalid shape entry " + t + " in " + Arrays.toString(target));
            }
            out[i] = t;
            if (t == -1) {
                outBatch = true;
            } else {
                explicit *= t;
            }
        }
        if (inferAt >= 0) {
            if (explicit == 0 || known % explicit != 0) {
                throw new ShapeInferenceException(where + ": cannot reshape " + Arrays.toString(x) + " to "
                        + Arrays.toString(target));
            }
            long rest = known / explicit;
            if (inBatch && !outBatch) {
                if (rest != 1) {
                    throw new ShapeInferenceException(where + ": reshape of " + Arrays.toString(x) + " to "
                            + Arrays.toString(target) + " would merge the dynamic batch dimension with " + rest
                            + " other elements", true);
                }
                out[inferAt] = -1;
            } else {
                out[inferAt] = rest;
            }
        } else if (inBatch != outBatch || explicit != known) {
            throw new ShapeInferenceException(where + ": cannot reshape " + Arrays.toString(x) + " to "
                    + Arrays.toString(target) + (inBatch && !outBatch
                    ? " (a fixed shape cannot hold a batch of any size; use 0 or -1 for the batch dimension)" : ""),
                    inBatch && !outBatch);
        }
        return out;
    }

    private static long[] concat(Node n, String where, List<long[]> in) {
        long[] first = in.get(0);
        long axis = n.attrInt("axis", Long.MIN_VALUE);
        if (axis == Long.MIN_VALUE) {
            throw new ShapeInferenceException(where + ": missing required attribute axis");
        }
        if (axis < 0) {
            axis += first.length;
        }
        if (axis < 0 || axis >= first.length) {
            throw new ShapeInferenceException(where + ": axis " + n.attrInt("axis", 0) + " out of range for rank " + first.length);
        }
        long[] out = first.clone();
        for (int k = 1; k < in.size(); k++) {
            long[] s = in.get(k);
            if (s.length != first.length) {
                throw new ShapeInferenceException(where + ": input " + k + " has rank " + s.length + ", expected " + first.length);
            }
            for (int i = 0; i < s.length; i++) {
                if (i == axis) {
                    out[i] = out[i] < 0 || s[i] < 0 ? -1 : out[i] + s[i];
                } else if (s[i] != first[i]) {
                    throw new ShapeInferenceException(where + ": input " + k + " shape " + Arrays.toString(s)
                            + " differs from " + Arrays.toString(first) + " outside axis " + axis);
                }
            }
        }
        return out;
    }

    /** Product of dims [from, to); negative (-1 times the static product) if a dim is dynamic. */
    private static long product(long[] d, int from, int to) {
        long p = 1;
        boolean dynamic = false;
        for (int i = from; i < to; i++) {
            if (d[i] < 0) {
                dynamic = true;
            } else {
                p *= d[i];
            }
        }
        return dynamic ? -p : p;
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }
}
