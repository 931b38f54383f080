package io.qforge.engine.int8;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise binary maps on INT8 tensors with numpy (ONNX multidirectional) broadcasting: shapes
 * are right-aligned, each dimension pair must be equal or one of them 1; the output takes the
 * larger. Equal shapes take a flat loop.
 */
public final class Int8Broadcast {
    private Int8Broadcast() {
    }

    /** The broadcast shape of {@code a} and {@code b}. */
    public static long[] shape(long[] a, long[] b, String what) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(what + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** {@code out[i] = (byte) f(a[ia], b[ib])} over the broadcast shape; f must return int8 values. */
    public static INDArray apply(INDArray a, INDArray b, IntBinaryOperator f, String what) {
        byte[] x = Int8Arrays.bytes(a, what + " A");
        byte[] y = Int8Arrays.bytes(b, what + " B");
        long[] shape = shape(a.shape(), b.shape(), what);
        if (Arrays.equals(a.shape(), b.shape())) {
            byte[] out = new byte[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) f.applyAsInt(x[i], y[i]);
            }
            return Int8Arrays.int8(out, shape);
        }
        int r = shape.length;
        long[] sa = strides(a.shape(), r);
        long[] sb = strides(b.shape(), r);
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        byte[] out = new byte[Math.toIntExact(total)];
        int inner = (int) shape[r - 1];
        int ia0 = (int) sa[r - 1];
        int ib0 = (int) sb[r - 1];
        long[] idx = new long[r];
        int o = 0;
        while (o < out.length) {
            long ia = 0;
            long ib = 0;
            for (int d = 0; d < r - 1; d++) {
                ia += idx[d] * sa[d];
                ib += idx[d] * sb[d];
            }
            int pa = (int) ia;
            int pb = (int) ib;
            for (int j = 0; j < inner; j++, o++, pa += ia0, pb += ib0) {
                out[o] = (byte) f.applyAsInt(x[pa], y[pb]);
            }
            for (int d = r - 2; d >= 0; d--) { // odometer over the outer dimensions
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return Int8Arrays.int8(out, shape);
    }

    /**
     * {@code out[i] = table[(a[ia] & 0xff) << 8 | (b[ib] & 0xff)]} over the broadcast shape: a binary
     * map of int8 values given whole as its 65536-entry table (what {@link #apply} computes, without a
     * call per element).
     */
    public static INDArray lookup(INDArray a, INDArray b, byte[] table, String what) {
        if (table.length != 1 << 16) {
            throw new IllegalArgumentException(what + ": table has " + table.length + " entries (65536)");
        }
        byte[] x = Int8Arrays.bytes(a, what + " A");
        byte[] y = Int8Arrays.bytes(b, what + " B");
        long[] shape = shape(a.shape(), b.shape(), what);
        if (Arrays.equals(a.shape(), b.shape())) {
            byte[] out = new byte[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = table[(x[i] & 0xff) << 8 | (y[i] & 0xff)];
            }
            return Int8Arrays.int8(out, shape);
        }
        int r = shape.length;
        long[] sa = strides(a.shape(), r);
        long[] sb = strides(b.shape(), r);
        long total = 1;
        for (long d : shape) {
            total *= d;
        }
        byte[] out = new byte[Math.toIntExact(total)];
        int inner = (int) shape[r - 1];
        int ia0 = (int) sa[r - 1];
        int ib0 = (int) sb[r - 1];
        long[] idx = new long[r];
        int o = 0;
        while (o < out.length) {
            long ia = 0;
            long ib = 0;
            for (int d = 0; d < r - 1; d++) {
                ia += idx[d] * sa[d];
                ib += idx[d] * sb[d];
            }
            int pa = (int) ia;
            int pb = (int) ib;
            for (int j = 0; j < inner; j++, o++, pa += ia0, pb += ib0) {
                out[o] = table[(x[pa] & 0xff) << 8 | (y[pb] & 0xff)];
            }
            for (int d = r - 2; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return Int8Arrays.int8(out, shape);
    }

    /** c-order strides of {@code shape} right-aligned to rank {@code r}, 0 on broadcast (size-1) dimensions. */
    private static long[] strides(long[] shape, int r) {
        long[] s = new long[r];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int d = i + r - shape.length;
            s[d] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return s;
    }
}
