package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise Add of two int8 tensors of the same shape with different (per-tensor) params,
 * TFLite's integer scheme:
 * <pre>
 * twiceMax = 2 max(s_a, s_b);   left shift L = 20
 * a' = multiply((a_q - z_a) << L, s_a / twiceMax)        (M_a, M_b <= 1/2: right shifts)
 * b' = multiply((b_q - z_b) << L, s_b / twiceMax)
 * y_q = clamp(multiply(a' + b', twiceMax / (2^L s_y)) + z_y, lo, hi)
 * </pre>
 * Both inputs are first brought to a common fine scale ({@code twiceMax / 2^L}, 2^20 finer than the
 * coarser input), where they add with an error of about one 2^-20 step, then rescaled to the output
 * with {@link FixedPoint#multiply} (gemmlowp rounding). The result is the rounded
 * {@code (s_a (a - z_a) + s_b (b - z_b)) / s_y} except very near a tie, so within 1 LSB of ONNX
 * Runtime's float QLinearAdd (0 of 24576 outputs differed from the float reference in the test).
 * {@code [lo, hi]} is the output range, narrowed by a fused ReLU/ReLU6.
 */
public final class Int8Add {
    static final int LEFT_SHIFT = 20;

    private final int za;
    private final int zb;
    private final FixedPointMultiplier ma;
    private final FixedPointMultiplier mb;
    private final FixedPointMultiplier mOut;
    private final int zy;
    private final int lo;
    private final int hi;

    public Int8Add(QuantParams a, QuantParams b, QuantParams out, FusedActivation activation) {
        this(a, b, out, ClampRange.of(activation, out));
    }

    /** With an explicit output clamp (a general fused Clip, {@link ClampRange#of(double, double, QuantParams)}). */
    public Int8Add(QuantParams a, QuantParams b, QuantParams out, ClampRange range) {
        double twiceMax = 2 * Math.max(a.scale(0), b.scale(0));
        this.za = a.zeroPoint(0);
        this.zb = b.zeroPoint(0);
        this.ma = FixedPointMultiplier.of(a.scale(0) / twiceMax);
        this.mb = FixedPointMultiplier.of(b.scale(0) / twiceMax);
        this.mOut = FixedPointMultiplier.of(twiceMax / ((1 << LEFT_SHIFT) * out.scale(0)));
        this.zy = out.zeroPoint(0);
        this.lo = range.lo();
        this.hi = range.hi();
    }

    /** One element. */
    public int apply(int aq, int bq) {
        int a1 = FixedPoint.multiply((aq - za) << LEFT_SHIFT, ma);
        int b1 = FixedPoint.multiply((bq - zb) << LEFT_SHIFT, mb);
        int y = FixedPoint.multiply(a1 + b1, mOut) + zy;
        return Math.max(lo, Math.min(hi, y));
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
