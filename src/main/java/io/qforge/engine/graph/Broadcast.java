package io.qforge.engine.graph;

import java.util.Arrays;

/**
 * Numpy-style (ONNX multidirectional) broadcasting of shapes whose dimensions may be -1 (the
 * dynamic batch dimension). Shapes are aligned on the right; a dimension of 1 stretches to the
 * other; -1 combines with 1 or -1 only, since a batch of unknown size cannot be matched against
 * a fixed size other than 1.
 */
public final class Broadcast {

    private Broadcast() {
    }

    /** The broadcast shape of {@code a} and {@code b}; {@code where} names the node in errors. */
    public static long[] shape(long[] a, long[] b, String where) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i < r - a.length ? 1 : a[i - (r - a.length)];
            long y = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (x == y) {
                out[i] = x;
            } else if (x == 1) {
                out[i] = y;
            } else if (y == 1) {
                out[i] = x;
            } else {
                throw new ShapeInferenceException(where + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast (dimension " + i + ": " + x + " vs " + y
                        + (x == -1 || y == -1 ? "; -1 is the dynamic batch dimension" : "") + ")", x == -1 || y == -1);
            }
        }
        return out;
    }

    /** True if {@code from} broadcasts to exactly {@code to} (ONNX unidirectional broadcasting). */
    public static boolean unidirectional(long[] from, long[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 0; i < from.length; i++) {
            long f = from[from.length - 1 - i];
            long t = to[to.length - 1 - i];
            if (f != 1 && f != t) {
                return false;
            }
        }
        return true;
    }
}
