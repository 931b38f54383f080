package io.qforge.engine.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Shape rules of the ops, each {@code (node, input shapes, constant by name) -> output shape}: the
 * dynamic batch dimension is -1, every other dimension static. Mismatches (Gemm inner dimensions,
 * Conv channels, Concat sizes, broadcasting) throw {@link ShapeInferenceException} naming the node.
 * The op table ({@code io.qforge.engine.ops.OpTable}) says which rule each op type uses.
 */
public final class ShapeRules {

    private ShapeRules() {
    }

    /** Shape-preserving ops (Relu, Sigmoid, Clip, Softmax, BatchNormalization's data, Identity, ...). */
    public static long[] same(Node n, List<long[]> in, Function<String, INDArray> constants) {
        return in.get(0).clone();
    }

    /** Element-wise ops with numpy broadcasting of two inputs (Add, Mul, ...). */
    public static long[] broadcast(Node n, List<long[]> in, Function<String, INDArray> constants) {
        return Broadcast.shape(in.get(0), in.get(1), where(n));
    }

    static String where(Node n) {
        return n.opType() + " '" + n.name() + "'";
    }

    public static long[] batchNorm(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
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

    public static long[] conv(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
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

    public static long[] pool(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
        long[] x = in.get(0);
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

    public static long[] globalPool(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
        long[] x = in.get(0);
        if (x.length < 3) {
            throw new ShapeInferenceException(where + ": input rank " + x.length + " < 3");
        }
        long[] out = x.clone();
        Arrays.fill(out, 2, out.length, 1);
        return out;
    }

    public static long[] gemm(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
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

    public static long[] matMul(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
        long[] a = in.get(0);
        long[] b = in.get(1);
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

    public static long[] flatten(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
        long[] x = in.get(0);
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
    public static long[] reshape(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
        long[] x = in.get(0);
        INDArray shapeTensor = constants.apply(n.input(1));
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

    public static long[] concat(Node n, List<long[]> in, Function<String, INDArray> constants) {
        String where = where(n);
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
