package io.qforge.engine.ops;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One-pass float32 backward loops for the ops of SiLU ({@code x * sigmoid(x)}) and
 * squeeze-excitation ({@code x * sigmoid(fc(pool(x)))}, a Mul of [N,C,H,W] by [N,C,1,1]):
 * efficientnet_b0 has 65 Sigmoid and 65 Mul nodes, regnet_y_400mf 16 of each, and each ND4J
 * elementwise op is a separate pass with its own allocation. Plain FLOAT arrays only
 * ({@link FloatKernels#plain}); callers keep the ND4J path otherwise (DOUBLE, the gradient checks).
 */
final class GatingKernels {
    private GatingKernels() {
    }

    /** Sigmoid backward {@code dX = (1 - y) * y * g}, same rounding order as the ND4J chain it replaces. */
    static INDArray sigmoidBackward(INDArray y, INDArray g) {
        FloatBuffer yb = FloatKernels.buffer(y);
        FloatBuffer gb = FloatKernels.buffer(g);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, y.shape(), 'c');
        FloatBuffer ob = FloatKernels.buffer(out);
        int n = (int) y.length();
        for (int i = 0; i < n; i++) {
            float v = yb.get(i);
            ob.put(i, (1f - v) * v * gb.get(i));
        }
        return out;
    }

    /** Mul backward for equal shapes: {@code dA = G * B}, {@code dB = G * A} in one pass. */
    static INDArray[] mulBackward(INDArray g, INDArray a, INDArray b) {
        FloatBuffer gb = FloatKernels.buffer(g);
        FloatBuffer ab = FloatKernels.buffer(a);
        FloatBuffer bb = FloatKernels.buffer(b);
        INDArray da = Nd4j.createUninitialized(DataType.FLOAT, a.shape(), 'c');
        INDArray db = Nd4j.createUninitialized(DataType.FLOAT, b.shape(), 'c');
        FloatBuffer dab = FloatKernels.buffer(da);
        FloatBuffer dbb = FloatKernels.buffer(db);
        int n = (int) g.length();
        for (int i = 0; i < n; i++) {
            float gv = gb.get(i);
            dab.put(i, gv * bb.get(i));
            dbb.put(i, gv * ab.get(i));
        }
        return new INDArray[] {da, db};
    }

    /** True when {@code s} is [N,C,1,...,1] for {@code big} [N,C,...] (a per-image, per-channel gate). */
    static boolean isPlaneGate(INDArray s, INDArray big) {
        if (s.rank() != big.rank() || big.rank() < 3 || s.size(0) != big.size(0) || s.size(1) != big.size(1)) {
            return false;
        }
        for (int i = 2; i < s.rank(); i++) {
            if (s.size(i) != 1) {
                return false;
            }
        }
        return FloatKernels.plain(s) && FloatKernels.plain(big);
    }

    /**
     * Mul backward for {@code Y = A * S} with S a plane gate of A ({@link #isPlaneGate}):
     * {@code dA = G * S[n,c]}, {@code dS[n,c] = sum over the plane of G * A}, in one pass.
     */
    static INDArray[] gateBackward(INDArray g, INDArray a, INDArray s) {
        FloatBuffer gb = FloatKernels.buffer(g);
        FloatBuffer ab = FloatKernels.buffer(a);
        FloatBuffer sb = FloatKernels.buffer(s);
        INDArray da = Nd4j.createUninitialized(DataType.FLOAT, a.shape(), 'c');
        INDArray ds = Nd4j.createUninitialized(DataType.FLOAT, s.shape(), 'c');
        FloatBuffer dab = FloatKernels.buffer(da);
        FloatBuffer dsb = FloatKernels.buffer(ds);
        int planes = (int) s.length();
        int inner = (int) (a.length() / planes);
        for (int p = 0; p < planes; p++) {
            float sv = sb.get(p);
            float acc = 0f;
            for (int k = 0, i = p * inner; k < inner; k++, i++) {
                float gv = gb.get(i);
                dab.put(i, gv * sv);
                acc += gv * ab.get(i);
            }
            dsb.put(p, acc);
        }
        return new INDArray[] {da, ds};
    }
}
