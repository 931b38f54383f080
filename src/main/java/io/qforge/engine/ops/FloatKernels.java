package io.qforge.engine.ops;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused float32 loops over ND4J's native memory for the memory-bound parts of a training step
 * (BatchNorm statistics and backward, ReLU backward). Each replaces 3-6 separate ND4J passes by
 * one or two; measured on a LeNet-BN step at batch 64 they took BatchNorm from ~16 ms to ~4 ms.
 * They apply only to FLOAT arrays in plain C order (no offset, default strides); callers fall back
 * to ND4J ops otherwise (DOUBLE, used by the gradient checks, always takes the ND4J path).
 */
final class FloatKernels {
    private FloatKernels() {
    }

    /** True when {@code a} is FLOAT, C-ordered with default strides and no offset. */
    static boolean plain(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.offset() == 0
                && Shape.hasDefaultStridesForShape(a) && a.length() == a.data().length();
    }

    static FloatBuffer buffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Per-channel mean and biased variance of an [N, C, ...] array (two passes, for accuracy). */
    static double[][] channelMoments(INDArray x) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int inner = (int) (x.length() / ((long) n * c));
        FloatBuffer xb = buffer(x);
        double[] mean = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float acc = 0;
                for (int k = 0; k < inner; k++) {
                    acc += xb.get(base + k);
                }
                mean[ch] += acc;
            }
        }
        double count = (double) n * inner;
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= count;
        }
        double[] var = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float m = (float) mean[ch];
                float acc = 0;
                for (int k = 0; k < inner; k++) {
                    float d = xb.get(base + k) - m;
                    acc += d * d;
                }
                var[ch] += acc;
            }
        }
        for (int ch = 0; ch < c; ch++) {
            var[ch] /= count;
        }
        return new double[][] {mean, var};
    }

    /** {@code out = x * a[c] + b[c]} for an [N, C, ...] array; returns a new array. */
    static INDArray channelAffine(INDArray x, double[] a, double[] b) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        channelAffineInto(out, x, null, a, b, null);
        return out;
    }

    /**
     * {@code out = x * a[c] + g * gCoef[c] + b[c]} (g and gCoef may be null), element-wise over an
     * [N, C, ...] layout.
     */
    static void channelAffineInto(INDArray out, INDArray x, INDArray g, double[] a, double[] b, double[] gCoef) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int inner = (int) (x.length() / ((long) n * c));
        FloatBuffer xb = buffer(x);
        FloatBuffer ob = buffer(out);
        FloatBuffer gb = g == null ? null : buffer(g);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float fa = (float) a[ch];
                float fb = (float) b[ch];
                if (gb == null) {
                    for (int k = 0; k < inner; k++) {
                        ob.put(base + k, xb.get(base + k) * fa + fb);
                    }
                } else {
                    float fg = (float) gCoef[ch];
                    for (int k = 0; k < inner; k++) {
                        ob.put(base + k, xb.get(base + k) * fa + gb.get(base + k) * fg + fb);
                    }
                }
            }
        }
    }

    /** Per-channel {@code sum(g)} and {@code sum(g * x)} over an [N, C, ...] layout, in one pass. */
    static double[][] channelGradSums(INDArray g, INDArray x) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int inner = (int) (x.length() / ((long) n * c));
        FloatBuffer xb = buffer(x);
        FloatBuffer gb = buffer(g);
        double[] sg = new double[c];
        double[] sgx = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float a1 = 0;
                float a2 = 0;
                for (int k = 0; k < inner; k++) {
                    float gv = gb.get(base + k);
                    a1 += gv;
                    a2 += gv * xb.get(base + k);
                }
                sg[ch] += a1;
                sgx[ch] += a2;
            }
        }
        return new double[][] {sg, sgx};
    }

    /** {@code dX = y > 0 ? g : 0} (ReLU backward from its output). */
    static INDArray reluBackward(INDArray y, INDArray g) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, g.shape(), 'c');
        FloatBuffer yb = buffer(y);
        FloatBuffer gb = buffer(g);
        FloatBuffer ob = buffer(out);
        int len = (int) g.length();
        for (int i = 0; i < len; i++) {
            // branch-free "y > 0 ? g : 0" (random signs defeat the branch predictor):
            // keep is all ones exactly when y's bits are a positive int, i.e. y > 0 (not -0.0, not NaN with sign)
            int bits = Float.floatToRawIntBits(yb.get(i));
            int keep = ((0 - bits) & ~bits) >> 31;
            ob.put(i, Float.intBitsToFloat(Float.floatToRawIntBits(gb.get(i)) & keep));
        }
        return out;
    }

    /**
     * True when {@code small} broadcasts against the plain [N, C, ...] array {@code big} as one
     * value per channel of axis 1: right-aligned, every dimension of {@code small} is 1 except the
     * one facing axis 1, which is C (e.g. [1, C, 1, 1] or [C, 1, 1] against [N, C, H, W]).
     */
    static boolean perChannelOf(long[] small, INDArray big) {
        int r = big.rank();
        int lead = r - small.length;
        if (r < 2 || lead < 0 || lead > 1 || !plain(big)) {
            return false;
        }
        for (int i = 0; i < small.length; i++) {
            long want = i + lead == 1 ? big.size(1) : 1;
            if (small[i] != want) {
                return false;
            }
        }
        return true;
    }

    /** Per-channel {@code sum(g)} over an [N, C, ...] layout (float partial sums per block, then double). */
    static double[] channelSums(INDArray g) {
        int n = (int) g.size(0);
        int c = (int) g.size(1);
        int inner = (int) (g.length() / ((long) n * c));
        FloatBuffer gb = buffer(g);
        double[] sg = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float acc = 0;
                for (int k = 0; k < inner; k++) {
                    acc += gb.get(base + k);
                }
                sg[ch] += acc;
            }
        }
        return sg;
    }

    /**
     * Backward of {@code y = a * b[c]} (b one value per channel of axis 1 of the [N, C, ...] array
     * a) in one pass: returns {@code da = g * b[c]} (the same float products as ND4J's multiply)
     * and fills {@code db[c] = sum(g * a)} over the channel.
     */
    static INDArray channelScaleBackward(INDArray g, INDArray a, float[] b, double[] db) {
        int n = (int) a.size(0);
        int c = (int) a.size(1);
        int inner = (int) (a.length() / ((long) n * c));
        INDArray da = Nd4j.createUninitialized(DataType.FLOAT, a.shape(), 'c');
        FloatBuffer gb = buffer(g);
        FloatBuffer ab = buffer(a);
        FloatBuffer ob = buffer(da);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * inner;
                float bc = b[ch];
                float acc = 0;
                for (int k = 0; k < inner; k++) {
                    float gv = gb.get(base + k);
                    ob.put(base + k, gv * bc);
                    acc += gv * ab.get(base + k);
                }
                db[ch] += acc;
            }
        }
        return da;
    }
}
