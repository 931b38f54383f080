package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise Add of two int8 tensors of the same shape with different (per-tensor) params, with
 * one rounding of the (nearly) exact sum:
 * <pre>
 * M_a = s_a / s_y,  M_b = s_b / s_y;   S such that max(M_a, M_b) 2^S is in [2^30, 2^31)
 * m_a = rint(M_a 2^S),  m_b = rint(M_b 2^S)                                  (Q31-like integers)
 * p   = (a_q - z_a) m_a + (b_q - z_b) m_b                                     (exact, 64-bit)
 * y_q = clamp(rint(p / 2^S) + z_y, lo, hi)                                    (round half to even)
 * </pre>
 * i.e. ONNX's {@code rint((s_a (a - z_a) + s_b (b - z_b)) / s_y) + z_y}, off only where that value
 * lies within ~2^-31 relative of a tie (the multipliers' own rounding). The fake-quant simulation in
 * float64 ({@link io.qforge.engine.quant.QatModel#float64Executor()}) computes the same value, so the
 * two agree on every output. (Before, TFLite's scheme, with both inputs rounded to a common 2^-20-fine
 * scale and gemmlowp's two-step rounding, rounded about one output in 10^6 to the other neighbour
 * (Int8PoolAddTest), and deep residual networks amplified those flips.) ONNX Runtime's QLinearAdd computes in float32 and can
 * still differ by 1 LSB near ties. {@code [lo, hi]} is the output range, narrowed by a fused ReLU/ReLU6.
 */
public final class Int8Add {
    private final int za;
    private final int zb;
    private final long ma;
    private final long mb;
    private final int shift;
    private final int zy;
    private final int lo;
    private final int hi;

    public Int8Add(QuantParams a, QuantParams b, QuantParams out, FusedActivation activation) {
        this(a, b, out, ClampRange.of(activation, out));
    }

    /** With an explicit output clamp (a general fused Clip, {@link ClampRange#of(double, double, QuantParams)}). */
    public Int8Add(QuantParams a, QuantParams b, QuantParams out, ClampRange range) {
        double mA = a.scale(0) / out.scale(0);
        double mB = b.scale(0) / out.scale(0);
        int s = Math.min(62, 30 - Math.getExponent(Math.max(mA, mB)));
        if (s < 1) {
            throw new IllegalArgumentException("int8 add: input/output scale ratio " + Math.max(mA, mB)
                    + " is not allowed (< 2^29)");
        }
        this.shift = s;
        this.ma = (long) Math.rint(Math.scalb(mA, s));
        this.mb = (long) Math.rint(Math.scalb(mB, s));
        this.za = a.zeroPoint(0);
        this.zb = b.zeroPoint(0);
        this.zy = out.zeroPoint(0);
        this.lo = range.lo();
        this.hi = range.hi();
    }

    /** One element. */
    public int apply(int aq, int bq) {
        long p = (aq - za) * ma + (bq - zb) * mb;
        long q = p >> shift;
        long r = p - (q << shift);
        long half = 1L << (shift - 1);
        if (r > half || (r == half && (q & 1) != 0)) {
            q++;
        }
        long y = q + zy;
        return (int) (y < lo ? lo : Math.min(y, hi));
    }

    public INDArray forward(INDArray a, INDArray b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("int8 add: shapes " + java.util.Arrays.toString(a.shape()) + " and "
                    + java.util.Arrays.toString(b.shape()) + " differ (broadcasting is not supported)");
        }
        byte[] x = Int8Arrays.bytes(a, "int8 add A");
        byte[] y = Int8Arrays.bytes(b, "int8 add B");
        byte[] out = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (byte) apply(x[i], y[i]);
        }
        return Int8Arrays.int8(out, a.shape());
    }

    /** Like {@link #forward} but with numpy broadcasting ({@link Int8Broadcast}). */
    public INDArray forwardBroadcast(INDArray a, INDArray b) {
        return Int8Broadcast.apply(a, b, this::apply, "int8 add");
    }
}
