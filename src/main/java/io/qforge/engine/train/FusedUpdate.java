package io.qforge.engine.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Adam's per-element update in one float32 loop over ND4J's native memory instead of ~8 ND4J
 * passes per parameter. Same formula as {@link Adam}; applies only when every array is FLOAT, C
 * ordered, unstrided and of equal length.
 */
final class FusedUpdate {
    private FusedUpdate() {
    }

    static boolean applies(INDArray... arrays) {
        long len = arrays[0].length();
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.offset() != 0 || a.length() != len
                    || !Shape.hasDefaultStridesForShape(a) || a.data().length() != len) {
                return false;
            }
        }
        return true;
    }

    /** {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lrOverC1 * m / (sqrt(v / c2) + eps)}. */
    static void adam(INDArray p, INDArray g, INDArray m, INDArray v, double beta1, double beta2, double eps,
                     double lrOverC1, double c2) {
        FloatBuffer pb = buffer(p);
        FloatBuffer gb = buffer(g);
        FloatBuffer mb = buffer(m);
        FloatBuffer vb = buffer(v);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float e = (float) eps;
        float step = (float) lrOverC1;
        float invC2 = (float) (1.0 / c2);
        int len = (int) p.length();
        for (int i = 0; i < len; i++) {
            float gi = gb.get(i);
            float mi = b1 * mb.get(i) + (1 - b1) * gi;
            float vi = b2 * vb.get(i) + (1 - b2) * gi * gi;
            mb.put(i, mi);
            vb.put(i, vi);
            pb.put(i, pb.get(i) - step * mi / ((float) Math.sqrt(vi * invC2) + e));
        }
    }

    private static FloatBuffer buffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
