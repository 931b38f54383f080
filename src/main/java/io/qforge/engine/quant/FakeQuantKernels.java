package io.qforge.engine.quant;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused float32 loops over ND4J's native memory for the fake-quant hot path (same pattern as
 * {@code ops.FloatKernels}): the forward with its straight-through mask in one pass instead of
 * seven ND4J passes (div, rint, add, max, min, eq, cast, sub, mul), the STE backward and the
 * observers' min/max in one pass each.
 *
 * <p>Bit-identical to the ND4J path in {@link QuantPrimitives} for float32 (checked element for
 * element by FakeQuantKernelsTest): per element, in float32,
 * <pre>
 *   r = rint(x / s_c) + z_c            (division, round half to even, add; no add when all z are 0)
 *   q = min(max(r, qmin), qmax)        (ND4J's max/min: a NaN r becomes qmin, like ND4J)
 *   inside = (q == r) ? 1 : 0
 *   x_hat = (q - z_c) * s_c            (no subtraction when all z are 0: -0.0 stays -0.0)
 * </pre>
 * They apply only to FLOAT arrays in plain C order (no offset, default strides); callers keep the
 * ND4J path otherwise; plain DOUBLE arrays (the float64 simulation, the gradient checks) take {@link #fakeQuantizeWithMask64}.
 */
final class FakeQuantKernels {
    private FakeQuantKernels() {
    }

    /** True when {@code a} is FLOAT, C-ordered with default strides and no offset. */
    static boolean plain(INDArray a) {
        return a != null && a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.offset() == 0
                && Shape.hasDefaultStridesForShape(a) && a.length() == a.data().length()
                && a.length() <= Integer.MAX_VALUE;
    }

    private static FloatBuffer buffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Fake quantization and its STE mask of a {@link #plain} array; {@code axis} is the already
     * checked channel axis, or -1 per tensor.
     */
    static QuantPrimitives.FakeQuantResult fakeQuantizeWithMask(INDArray x, QuantParams p, int axis) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        INDArray mask = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        FloatBuffer xb = buffer(x);
        FloatBuffer ob = buffer(out);
        FloatBuffer mb = buffer(mask);
        float qmin = (float) p.qmin();
        float qmax = (float) p.qmax();
        double[] scales = p.scales();
        int[] zps = p.zeroPoints();
        int len = (int) x.length();
        // like AxisOps.addi/subi: no "+ z" / "- z" at all when every zero point is 0 (keeps -0.0)
        boolean withZ = false;
        for (int z : zps) {
            withZ |= z != 0;
        }
        if (axis < 0) {
            run(xb, ob, mb, 0, len, (float) scales[0], (float) zps[0], withZ, qmin, qmax);
            return new QuantPrimitives.FakeQuantResult(out, mask);
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= x.size(d);
        }
        int channels = (int) x.size(axis);
        int inner = (int) (len / (outer * channels));
        int base = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                run(xb, ob, mb, base, inner, (float) scales[c], (float) zps[c], withZ, qmin, qmax);
                base += inner;
            }
        }
        return new QuantPrimitives.FakeQuantResult(out, mask);
    }

    /** True when {@code a} is DOUBLE, C-ordered with default strides and no offset. */
    static boolean plain64(INDArray a) {
        return a != null && a.dataType() == DataType.DOUBLE && a.ordering() == 'c' && a.offset() == 0
                && Shape.hasDefaultStridesForShape(a) && a.length() == a.data().length()
                && a.length() <= Integer.MAX_VALUE;
    }

    /**
     * The float64 fake quantization and mask of a {@link #plain64} array in one pass (the evaluation's
     * float64 simulation): the same steps as the ND4J path in the same order ({@code rint(x / s) + z},
     * clamp with ND4J's NaN rule, {@code (q - z) * s}, no {@code z} terms when every zero point is 0),
     * so the results are bit-identical; the ND4J path makes nine passes and as many arrays.
     */
    static QuantPrimitives.FakeQuantResult fakeQuantizeWithMask64(INDArray x, QuantParams p, int axis) {
        INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, x.shape(), 'c');
        INDArray mask = Nd4j.createUninitialized(DataType.DOUBLE, x.shape(), 'c');
        java.nio.DoubleBuffer xb = x.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        java.nio.DoubleBuffer ob = out.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        java.nio.DoubleBuffer mb = mask.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        double qmin = p.qmin();
        double qmax = p.qmax();
        double[] scales = p.scales();
        int[] zps = p.zeroPoints();
        int len = (int) x.length();
        boolean withZ = false;
        for (int z : zps) {
            withZ |= z != 0;
        }
        long outer = 1;
        int channels = 1;
        if (axis >= 0) {
            for (int d = 0; d < axis; d++) {
                outer *= x.size(d);
            }
            channels = (int) x.size(axis);
        }
        int inner = (int) (len / (outer * channels));
        double[] r = new double[inner];
        double[] m = new double[inner];
        int base = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                double sc = scales[axis < 0 ? 0 : c];
                double z = zps[axis < 0 ? 0 : c];
                xb.get(base, r, 0, inner);
                for (int i = 0; i < inner; i++) {
                    double v = Math.rint(r[i] / sc);
                    if (withZ) {
                        v += z;
                    }
                    double q = v != v ? qmin : Math.min(Math.max(v, qmin), qmax); // ND4J: max(NaN, qmin) = qmin
                    m[i] = q == v ? 1.0 : 0.0;
                    r[i] = withZ ? (q - z) * sc : q * sc;
                }
                ob.put(base, r, 0, inner);
                mb.put(base, m, 0, inner);
                base += inner;
            }
        }
        return new QuantPrimitives.FakeQuantResult(out, mask);
    }

    /** Elements per chunk: copied to Java arrays (L1-resident) so C2 can vectorize the loops. */
    private static final int CHUNK = 2048;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

    /**
     * One channel segment {@code [from, from + count)}, chunk by chunk: bulk copy in, four simple
     * loops C2 vectorizes (rint(x/s)+z; clamp; mask; (q-z)*s), bulk copy out. The clamp uses
     * {@code Math.min/max} (NaN stays NaN), so a NaN is fixed afterwards to ND4J's result (qmin, mask 0).
     */
    private static void run(FloatBuffer xb, FloatBuffer ob, FloatBuffer mb, int from, int count, float s, float z,
                            boolean withZ, float qmin, float qmax) {
        float[][] scratch = SCRATCH.get();
        float[] r = scratch[0];
        float[] q = scratch[1];
        float[] m = scratch[2];
        for (int at = from, end = from + count; at < end; at += CHUNK) {
            int len = Math.min(CHUNK, end - at);
            xb.get(at, r, 0, len);
            if (withZ) {
                for (int i = 0; i < len; i++) {
                    r[i] = (float) Math.rint(r[i] / s) + z;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    r[i] = (float) Math.rint(r[i] / s);
                }
            }
            for (int i = 0; i < len; i++) {
                q[i] = Math.min(Math.max(r[i], qmin), qmax);
            }
            // q and r are integers (or infinite): |q - r| is 0 or >= 1, so this is exactly 1 or 0
            for (int i = 0; i < len; i++) {
                m[i] = 1f - Math.min(Math.abs(q[i] - r[i]), 1f);
            }
            float nan = 0f; // becomes NaN iff some mask value is NaN (Math.max propagates NaN; a vectorized reduction)
            for (int i = 0; i < len; i++) {
                nan = Math.max(nan, m[i]);
            }
            if (nan != nan) {
                for (int i = 0; i < len; i++) {
                    if (q[i] != q[i]) { // NaN input: ND4J's max(NaN, qmin) is qmin
                        q[i] = qmin;
                        m[i] = 0f;
                    }
                }
            }
            if (withZ) {
                for (int i = 0; i < len; i++) {
                    q[i] = (q[i] - z) * s;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    q[i] = q[i] * s;
                }
            }
            ob.put(at, q, 0, len);
            mb.put(at, m, 0, len);
        }
    }

    /** {@code g * mask} (the STE backward) for two {@link #plain} arrays of one shape; a new array. */
    static INDArray multiply(INDArray g, INDArray mask) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.shape(), 'c');
        FloatBuffer gb = buffer(g);
        FloatBuffer mb = buffer(mask);
        FloatBuffer ob = buffer(out);
        int len = (int) g.length();
        float[][] scratch = SCRATCH.get();
        float[] a = scratch[0];
        float[] b = scratch[1];
        for (int at = 0; at < len; at += CHUNK) {
            int n = Math.min(CHUNK, len - at);
            gb.get(at, a, 0, n);
            mb.get(at, b, 0, n);
            for (int i = 0; i < n; i++) {
                a[i] = a[i] * b[i];
            }
            ob.put(at, a, 0, n);
        }
        return out;
    }

    /**
     * Minimum and maximum of each channel along {@code axis} of a {@link #plain} array (one of
     * each when axis is -1), in one pass: {@code {min[], max[]}} as doubles of float32 values.
     */
    static double[][] channelMinMax(INDArray x, int axis) {
        FloatBuffer xb = buffer(x);
        int len = (int) x.length();
        if (axis < 0) {
            float[] lohi = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
            minMaxInto(xb, 0, len, lohi);
            return new double[][] {{lohi[0]}, {lohi[1]}};
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= x.size(d);
        }
        int channels = (int) x.size(axis);
        int inner = (int) (len / (outer * channels));
        float[] lo = new float[channels];
        float[] hi = new float[channels];
        java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        int base = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float[] lohi = {lo[c], hi[c]};
                minMaxInto(xb, base, inner, lohi);
                lo[c] = lohi[0];
                hi[c] = lohi[1];
                base += inner;
            }
        }
        double[] dlo = new double[channels];
        double[] dhi = new double[channels];
        for (int c = 0; c < channels; c++) {
            dlo[c] = lo[c];
            dhi[c] = hi[c];
        }
        return new double[][] {dlo, dhi};
    }

    /** Folds the min and max of {@code [from, from + count)} into {@code lohi = {min, max}}. */
    private static void minMaxInto(FloatBuffer xb, int from, int count, float[] lohi) {
        float[] a = SCRATCH.get()[0];
        float lo = lohi[0];
        float hi = lohi[1];
        for (int at = from, end = from + count; at < end; at += CHUNK) {
            int n = Math.min(CHUNK, end - at);
            xb.get(at, a, 0, n);
            for (int i = 0; i < n; i++) {
                lo = Math.min(lo, a[i]);
                hi = Math.max(hi, a[i]);
            }
        }
        lohi[0] = lo;
        lohi[1] = hi;
    }

    /**
     * LSQ forward of a {@link #plain} array (scales {@code s} already clamped, one per channel or
     * one): {@code {x_hat, inside, d x_hat / d s}}, bit-identical to
     * {@link LsqFakeQuantOp#forwardNd4j}: per element in float32, {@code v = x / s},
     * {@code r = rint(v) + z}, {@code q = clamp(r)}, {@code inside = [q == r]},
     * {@code qz = q - z}, {@code ds = qz - v * inside}, {@code x_hat = qz * s}
     * (no {@code +z}/{@code -z} at all when every zero point is 0, like {@code AxisOps}).
     */
    static INDArray[] lsqForward(INDArray x, double[] scales, QuantParams p, int axis) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        INDArray mask = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        INDArray dsArr = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        FloatBuffer xb = buffer(x);
        FloatBuffer ob = buffer(out);
        FloatBuffer mb = buffer(mask);
        FloatBuffer db = buffer(dsArr);
        float qmin = (float) p.qmin();
        float qmax = (float) p.qmax();
        int[] zps = p.zeroPoints();
        boolean withZ = false;
        for (int z : zps) {
            withZ |= z != 0;
        }
        int len = (int) x.length();
        if (axis < 0) {
            lsqRun(xb, ob, mb, db, 0, len, (float) scales[0], (float) zps[0], withZ, qmin, qmax);
            return new INDArray[] {out, mask, dsArr};
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= x.size(d);
        }
        int channels = (int) x.size(axis);
        int inner = (int) (len / (outer * channels));
        int base = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                lsqRun(xb, ob, mb, db, base, inner, (float) scales[c], (float) zps[c], withZ, qmin, qmax);
                base += inner;
            }
        }
        return new INDArray[] {out, mask, dsArr};
    }

    private static void lsqRun(FloatBuffer xb, FloatBuffer ob, FloatBuffer mb, FloatBuffer db, int from, int count,
                               float s, float z, boolean withZ, float qmin, float qmax) {
        float[][] scratch = SCRATCH.get();
        float[] v = scratch[0];
        float[] r = scratch[1];
        float[] q = scratch[2];
        float[] m = scratch[3];
        for (int at = from, end = from + count; at < end; at += CHUNK) {
            int len = Math.min(CHUNK, end - at);
            xb.get(at, v, 0, len);
            for (int i = 0; i < len; i++) {
                v[i] = v[i] / s;
            }
            if (withZ) {
                for (int i = 0; i < len; i++) {
                    r[i] = (float) Math.rint(v[i]) + z;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    r[i] = (float) Math.rint(v[i]);
                }
            }
            for (int i = 0; i < len; i++) {
                q[i] = Math.min(Math.max(r[i], qmin), qmax);
            }
            for (int i = 0; i < len; i++) {
                m[i] = 1f - Math.min(Math.abs(q[i] - r[i]), 1f);
            }
            float nan = 0f;
            for (int i = 0; i < len; i++) {
                nan = Math.max(nan, m[i]);
            }
            if (nan != nan) {
                for (int i = 0; i < len; i++) {
                    if (q[i] != q[i]) { // NaN input: ND4J's max(NaN, qmin) is qmin
                        q[i] = qmin;
                        m[i] = 0f;
                    }
                }
            }
            if (withZ) {
                for (int i = 0; i < len; i++) {
                    q[i] = q[i] - z;
                }
            }
            for (int i = 0; i < len; i++) {
                r[i] = q[i] - v[i] * m[i]; // d x_hat / d s
            }
            for (int i = 0; i < len; i++) {
                q[i] = q[i] * s;
            }
            ob.put(at, q, 0, len);
            mb.put(at, m, 0, len);
            db.put(at, r, 0, len);
        }
    }

    /**
     * {@code y + delta[c]} along {@code axis} of a plain float32 array, in one pass (float32-rounded
     * delta, as the ND4J broadcast add of the delta cast to float does); replaced a broadcast add
     * that cost ~1 ms a call on squeeze-excitation sized tensors.
     */
    static INDArray addPerChannel(INDArray y, double[] delta, int axis) {
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= y.size(i);
        }
        int channels = (int) y.size(axis);
        int inner = (int) (y.length() / (outer * channels));
        FloatBuffer yb = buffer(y);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, y.shape(), 'c');
        FloatBuffer ob = buffer(out);
        int i = 0;
        for (long o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float d = (float) delta[c];
                for (int k = 0; k < inner; k++, i++) {
                    ob.put(i, yb.get(i) + d);
                }
            }
        }
        return out;
    }
}
