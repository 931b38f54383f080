package io.qforge.engine.onnx;

import io.qforge.engine.graph.Broadcast;
import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Evaluates a node at import time when all its inputs are constants (initializers, Constant
 * outputs, earlier folded values) or, for {@code Shape}, when its input's shape is known.
 *
 * <p>Shape-derived values remember which elements are the dynamic batch size (see
 * {@link FoldedTensor#batch()}): {@code Shape} of a {@code [-1, C, H, W]} tensor yields
 * {@code [B, C, H, W]} with element 0 marked. Gather, Unsqueeze, Squeeze, Concat, Slice, Cast,
 * Reshape, Flatten and Identity carry the marks along; arithmetic refuses to compute with a
 * marked element. The importer later rewrites a marked entry of a Reshape shape to 0 (copy the
 * input's batch dimension) or -1.
 */
final class ConstantFolder {

    /** Op types evaluated at import time and never kept as graph nodes. */
    static final Set<String> FOLD_ONLY = Set.of("Constant", "Shape", "Cast", "ConstantOfShape");
    /** ConstantOfShape builds at most this many elements at import (PyTorch's F.pad builds its pads with it). */
    static final int MAX_CONSTANT_OF_SHAPE = 4096;
    /** Op types folded when their inputs are constant, otherwise kept as nodes. */
    static final Set<String> FOLDABLE = Set.of("Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Slice",
            "Cast", "Sub", "Div", "Add", "Mul", "Concat", "Reshape", "Flatten", "Identity", "Dropout", "ConstantOfShape",
            "Transpose");

    private ConstantFolder() {
    }

    /** Thrown when a foldable node cannot be evaluated; the importer turns it into a problem. */
    static final class FoldException extends RuntimeException {
        FoldException(String message) {
            super(message);
        }
    }

    /**
     * Evaluates the node. {@code in} holds one value per input (null for absent inputs);
     * {@code inputShape} is the static shape of input 0 (used by Shape only).
     */
    static FoldedTensor fold(Node n, List<FoldedTensor> in, long[] inputShape, long opset) {
        return switch (n.opType()) {
            case "Constant" -> constant(n);
            case "Shape" -> shape(n, inputShape);
            case "Identity", "Dropout" -> in.get(0);
            case "Cast" -> in.get(0).cast(castTarget(n));
            case "Gather" -> gather(n, in.get(0), in.get(1));
            case "Unsqueeze" -> unsqueeze(n, in.get(0), axes(n, in, opset, 13), opset);
            case "Squeeze" -> squeeze(n, in.get(0), axes(n, in, opset, 13));
            case "Concat" -> concat(n, in);
            case "Slice" -> slice(n, in);
            case "Reshape" -> reshape(n, in.get(0), in.get(1));
            case "Flatten" -> flatten(n, in.get(0));
            case "Add", "Sub", "Mul", "Div" -> arithmetic(n, in.get(0), in.get(1));
            case "ConstantOfShape" -> constantOfShape(n, in.get(0));
            case "Transpose" -> transpose(n, in.get(0));
            default -> throw new FoldException("node '" + n.name() + "': op type " + n.opType() + " is not foldable");
        };
    }

    private static FoldedTensor constant(Node n) {
        Object v;
        if ((v = n.attributes().get("value")) != null) {
            return FoldedTensor.of((INDArray) v);
        }
        if ((v = n.attributes().get("value_float")) != null) {
            return new FoldedTensor(ElementType.FLOAT, new long[0], null, new double[] {(Double) v}, null);
        }
        if ((v = n.attributes().get("value_floats")) != null) {
            double[] d = (double[]) v;
            return new FoldedTensor(ElementType.FLOAT, new long[] {d.length}, null, d.clone(), null);
        }
        if ((v = n.attributes().get("value_int")) != null) {
            return FoldedTensor.ofLongs(new long[0], new long[] {(Long) v}, null);
        }
        if ((v = n.attributes().get("value_ints")) != null) {
            long[] d = (long[]) v;
            return FoldedTensor.ofLongs(new long[] {d.length}, d.clone(), null);
        }
        throw new FoldException("Constant '" + n.name() + "' has no value, value_float(s) or value_int(s) attribute"
                + " (string and sparse constants are not supported)");
    }

    private static FoldedTensor constantOfShape(Node n, FoldedTensor shape) {
        long[] dims = constInts(n, List.of(shape), 0, "shape");
        long count = 1;
        for (long d : dims) {
            if (d < 0 || (count *= d) > MAX_CONSTANT_OF_SHAPE) {
                throw new FoldException("ConstantOfShape '" + n.name() + "': shape " + Arrays.toString(dims)
                        + " is negative or holds more than " + MAX_CONSTANT_OF_SHAPE + " elements");
            }
        }
        FoldedTensor v = n.attributes().get("value") == null
                ? new FoldedTensor(ElementType.FLOAT, new long[] {1}, null, new double[] {0}, null)
                : FoldedTensor.of((INDArray) n.attributes().get("value"));
        if (v.size() != 1) {
            throw new FoldException("ConstantOfShape '" + n.name() + "': value must hold one element");
        }
        return v.select(new int[(int) count], dims);
    }

    private static FoldedTensor transpose(Node n, FoldedTensor x) {
        long[] s = x.shape();
        int r = s.length;
        long[] p = n.attrInts("perm", null);
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = p == null ? r - 1 - i : normAxis(n, p[i], r);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            out[i] = s[perm[i]];
        }
        long[] inStrides = new long[r];
        long st = 1;
        for (int i = r - 1; i >= 0; i--) {
            inStrides[i] = st;
            st *= s[i];
        }
        int total = FoldedTensor.count(out);
        int[] pos = new int[total];
        int[] idx = new int[r];
        for (int k = 0; k < total; k++) {
            long q = 0;
            for (int i = 0; i < r; i++) {
                q += idx[i] * inStrides[perm[i]];
            }
            pos[k] = (int) q;
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < out[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return x.select(pos, out);
    }

    private static FoldedTensor shape(Node n, long[] s) {
        int r = s.length;
        int start = (int) clampAxis(n.attrInt("start", 0), r);
        int end = (int) clampAxis(n.attrInt("end", r), r);
        int len = Math.max(0, end - start);
        long[] v = new long[len];
        boolean[] b = new boolean[len];
        for (int i = 0; i < len; i++) {
            v[i] = s[start + i];
            b[i] = s[start + i] < 0;
        }
        return FoldedTensor.ofLongs(new long[] {len}, v, b);
    }

    private static long clampAxis(long a, int r) {
        if (a < 0) {
            a += r;
        }
        return Math.max(0, Math.min(r, a));
    }

    private static ElementType castTarget(Node n) {
        long to = n.attrInt("to", -1);
        ElementType t = OnnxTensors.elementType((int) to);
        if (t == null) {
            throw new FoldException("Cast '" + n.name() + "' to ONNX type " + to + " is not supported");
        }
        return t;
    }

    private static long[] axes(Node n, List<FoldedTensor> in, long opset, long inputSince) {
        if (opset >= inputSince) {
            if (in.size() < 2 || in.get(1) == null) {
                return null;
            }
            FoldedTensor a = in.get(1);
            return a.ints() == null ? null : a.ints().clone();
        }
        return n.attrInts("axes", null);
    }

    private static int normAxis(Node n, long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new FoldException(n.opType() + " '" + n.name() + "': axis " + axis + " out of range for rank " + rank);
        }
        return (int) a;
    }

    /** Positions of an (outer, axis, inner) decomposition picking {@code idx} along the axis. */
    private static int[] take(long[] shape, int axis, long[] idx) {
        int outer = FoldedTensor.count(Arrays.copyOfRange(shape, 0, axis));
        int dim = (int) shape[axis];
        int inner = FoldedTensor.count(Arrays.copyOfRange(shape, axis + 1, shape.length));
        int[] pos = new int[outer * idx.length * inner];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (long j : idx) {
                for (int i = 0; i < inner; i++) {
                    pos[k++] = (int) ((o * (long) dim + j) * inner + i);
                }
            }
        }
        return pos;
    }

    private static FoldedTensor gather(Node n, FoldedTensor data, FoldedTensor indices) {
        int r = data.shape().length;
        int axis = normAxis(n, n.attrInt("axis", 0), r);
        if (indices.hasBatch() || indices.isReal()) {
            throw new FoldException("Gather '" + n.name() + "': indices must be constant integers");
        }
        long dim = data.shape()[axis];
        long[] idx = new long[indices.size()];
        for (int i = 0; i < idx.length; i++) {
            long j = indices.ints()[i];
            idx[i] = j < 0 ? j + dim : j;
            if (idx[i] < 0 || idx[i] >= dim) {
                throw new FoldException("Gather '" + n.name() + "': index " + j + " out of range for dimension " + dim);
            }
        }
        long[] out = concat(Arrays.copyOfRange(data.shape(), 0, axis), indices.shape(),
                Arrays.copyOfRange(data.shape(), axis + 1, r));
        requireNoExpansion(n, out, data.size(), indices.size());
        return data.select(take(data.shape(), axis, idx), out);
    }

    private static FoldedTensor unsqueeze(Node n, FoldedTensor x, long[] axes, long opset) {
        if (axes == null) {
            throw new FoldException("Unsqueeze '" + n.name() + "': axes missing");
        }
        int r = x.shape().length + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[normAxis(n, a, r)] = true;
        }
        long[] out = new long[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : x.shape()[k++];
        }
        return x.withShape(out);
    }

    private static FoldedTensor squeeze(Node n, FoldedTensor x, long[] axes) {
        int r = x.shape().length;
        boolean[] drop = new boolean[r];
        if (axes == null) {
            for (int i = 0; i < r; i++) {
                drop[i] = x.shape()[i] == 1;
            }
        } else {
            for (long a : axes) {
                int i = normAxis(n, a, r);
                if (x.shape()[i] != 1) {
                    throw new FoldException("Squeeze '" + n.name() + "': dimension " + i + " has size " + x.shape()[i]);
                }
                drop[i] = true;
            }
        }
        long[] out = new long[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            if (!drop[i]) {
                out[k++] = x.shape()[i];
            }
        }
        return x.withShape(Arrays.copyOf(out, k));
    }

    private static FoldedTensor concat(Node n, List<FoldedTensor> in) {
        FoldedTensor first = in.get(0);
        int r = first.shape().length;
        int axis = normAxis(n, n.attrInt("axis", 0), r);
        long[] outShape = first.shape().clone();
        outShape[axis] = 0;
        for (FoldedTensor t : in) {
            if (t.shape().length != r || t.isReal() != first.isReal()) {
                throw new FoldException("Concat '" + n.name() + "': inputs differ in rank or type");
            }
            outShape[axis] += t.shape()[axis];
        }
        int outer = FoldedTensor.count(Arrays.copyOfRange(outShape, 0, axis));
        int total = FoldedTensor.count(outShape);
        long[] ints = first.isReal() ? null : new long[total];
        double[] reals = first.isReal() ? new double[total] : null;
        boolean[] batch = new boolean[total];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (FoldedTensor t : in) {
                int block = FoldedTensor.count(Arrays.copyOfRange(t.shape(), axis, r));
                for (int i = 0; i < block; i++) {
                    int p = o * block + i;
                    if (ints != null) {
                        ints[k] = t.ints()[p];
                    } else {
                        reals[k] = t.reals()[p];
                    }
                    batch[k++] = t.isBatch(p);
                }
            }
        }
        boolean any = false;
        for (boolean b : batch) {
            any |= b;
        }
        return new FoldedTensor(first.type(), outShape, ints, reals, any ? batch : null);
    }

    private static FoldedTensor slice(Node n, List<FoldedTensor> in) {
        FoldedTensor x = in.get(0);
        int r = x.shape().length;
        long[] starts = constInts(n, in, 1, "starts");
        long[] ends = constInts(n, in, 2, "ends");
        long[] axes = in.size() > 3 && in.get(3) != null ? constInts(n, in, 3, "axes") : null;
        long[] steps = in.size() > 4 && in.get(4) != null ? constInts(n, in, 4, "steps") : null;
        FoldedTensor cur = x;
        for (int k = 0; k < starts.length; k++) {
            int axis = normAxis(n, axes == null ? k : axes[k], r);
            long dim = cur.shape()[axis];
            long step = steps == null ? 1 : steps[k];
            if (step == 0) {
                throw new FoldException("Slice '" + n.name() + "': step 0");
            }
            long s = starts[k] < 0 ? starts[k] + dim : starts[k];
            long e = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (step > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
            } else {
                s = Math.max(-1, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
            }
            int len = (int) Math.max(0, step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step);
            long[] idx = new long[len];
            for (int i = 0; i < len; i++) {
                idx[i] = s + i * step;
            }
            long[] outShape = cur.shape().clone();
            outShape[axis] = len;
            cur = cur.select(take(cur.shape(), axis, idx), outShape);
        }
        return cur;
    }

    private static long[] constInts(Node n, List<FoldedTensor> in, int i, String what) {
        FoldedTensor t = in.get(i);
        if (t == null || t.isReal() || t.hasBatch()) {
            throw new FoldException(n.opType() + " '" + n.name() + "': " + what + " must be constant integers");
        }
        return t.ints();
    }

    private static FoldedTensor reshape(Node n, FoldedTensor x, FoldedTensor shape) {
        long[] target = constInts(n, List.of(shape), 0, "shape");
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = x.shape()[i];
            }
            if (out[i] == -1) {
                infer = i;
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            out[infer] = known == 0 ? 0 : x.size() / known;
        }
        if (FoldedTensor.count(out) != x.size()) {
            throw new FoldException("Reshape '" + n.name() + "': cannot reshape " + Arrays.toString(x.shape())
                    + " to " + Arrays.toString(target));
        }
        return x.withShape(out);
    }

    private static FoldedTensor flatten(Node n, FoldedTensor x) {
        int r = x.shape().length;
        long axis = n.attrInt("axis", 1);
        int a = (int) (axis < 0 ? axis + r : axis);
        return x.withShape(new long[] {FoldedTensor.count(Arrays.copyOfRange(x.shape(), 0, a)),
            FoldedTensor.count(Arrays.copyOfRange(x.shape(), a, r))});
    }

    /** Element-wise Add/Sub/Mul/Div with numpy broadcasting; integer Div truncates toward zero. */
    /**
     * Folding never creates more elements than its largest input holds: a constant broadcast or
     * gather that expands (two 40000-element vectors broadcast to 1.6 billion) would allocate
     * from sizes a hostile file chooses. Such values are left to the runtime, i.e. refused.
     */
    private static void requireNoExpansion(Node n, long[] out, long... inputSizes) {
        long limit = 0;
        for (long s : inputSizes) {
            limit = Math.max(limit, s);
        }
        long count = 1;
        for (long d : out) {
            count = d < 0 || count > limit ? count : count * d;
        }
        if (count > limit) {
            throw new FoldException(n.opType() + " '" + n.name() + "': folding its constant inputs would expand them to"
                    + " shape " + Arrays.toString(out) + ", more elements than any input holds (" + limit
                    + "); qforge folds only constants that do not grow");
        }
    }

    private static FoldedTensor arithmetic(Node n, FoldedTensor a, FoldedTensor b) {
        if (a.hasBatch() || b.hasBatch()) {
            throw new FoldException(n.opType() + " '" + n.name() + "' computes with the dynamic batch size;"
                    + " qforge folds shape arithmetic only on static dimensions");
        }
        if (a.type() != b.type()) {
            throw new FoldException(n.opType() + " '" + n.name() + "': input types " + a.type() + " and " + b.type() + " differ");
        }
        long[] out = Broadcast.shape(a.shape(), b.shape(), n.opType() + " '" + n.name() + "'");
        requireNoExpansion(n, out, a.size(), b.size());
        int total = FoldedTensor.count(out);
        int[] pa = broadcastPositions(a.shape(), out);
        int[] pb = broadcastPositions(b.shape(), out);
        String op = n.opType();
        if (a.isReal()) {
            double[] r = new double[total];
            for (int i = 0; i < total; i++) {
                double x = a.reals()[pa[i]];
                double y = b.reals()[pb[i]];
                double v = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> x / y;
                };
                r[i] = a.type() == ElementType.FLOAT ? (float) v : v;
            }
            return new FoldedTensor(a.type(), out, null, r, null);
        }
        long[] r = new long[total];
        for (int i = 0; i < total; i++) {
            long x = a.ints()[pa[i]];
            long y = b.ints()[pb[i]];
            if (op.equals("Div") && y == 0) {
                throw new FoldException("Div '" + n.name() + "': integer division by zero");
            }
            r[i] = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                default -> x / y;
            };
        }
        return new FoldedTensor(a.type(), out, r, null, null).cast(a.type());
    }

    /** For each element of {@code out}, the flat position of the broadcast source element of {@code in}. */
    private static int[] broadcastPositions(long[] in, long[] out) {
        int r = out.length;
        int off = r - in.length;
        int total = FoldedTensor.count(out);
        int[] pos = new int[total];
        long[] strides = new long[in.length];
        long s = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            strides[i] = in[i] == 1 ? 0 : s;
            s *= in[i];
        }
        int[] idx = new int[r];
        for (int k = 0; k < total; k++) {
            long p = 0;
            for (int i = 0; i < in.length; i++) {
                p += idx[i + off] * strides[i];
            }
            pos[k] = (int) p;
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < out[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return pos;
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int k = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }
}
