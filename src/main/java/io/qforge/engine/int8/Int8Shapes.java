package io.qforge.engine.int8;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shape-only layers on INT8 tensors: views (no arithmetic, same encoding in and out). */
final class Int8Shapes {
    private Int8Shapes() {
    }

    /**
     * ONNX Reshape with {@code allowzero = 0}: a 0 copies the input dimension at the same index, one
     * -1 is inferred from the element count.
     */
    static long[] reshapeTarget(long[] in, long[] target, String layer) {
        long[] out = target.clone();
        long count = 1;
        for (long d : in) {
            count *= d;
        }
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                if (i >= in.length) {
                    throw new IllegalArgumentException("reshape '" + layer + "': target " + Arrays.toString(target)
                            + " copies dimension " + i + " of a rank-" + in.length + " input");
                }
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape '" + layer + "': target " + Arrays.toString(target)
                            + " has more than one -1");
                }
                inferred = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("reshape '" + layer + "': target " + Arrays.toString(target)
                        + " has a negative dimension other than -1");
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || count % known != 0) {
                throw new IllegalArgumentException("reshape '" + layer + "': cannot infer -1 in "
                        + Arrays.toString(target) + " for input " + Arrays.toString(in));
            }
            out[inferred] = count / known;
        } else if (known != count) {
            throw new IllegalArgumentException("reshape '" + layer + "': target " + Arrays.toString(target)
                    + " has " + known + " elements, input " + Arrays.toString(in) + " has " + count);
        }
        return out;
    }

    static INDArray reshape(INDArray x, long[] target, String layer) {
        return contiguous(x).reshape('c', reshapeTarget(x.shape(), target, layer));
    }

    /** ONNX Flatten: {@code [prod(d < axis), prod(d >= axis)]}. */
    static INDArray flatten(INDArray x, int axis, String layer) {
        long[] s = x.shape();
        if (axis < 0 || axis > s.length) {
            throw new IllegalArgumentException("flatten '" + layer + "': axis " + axis + " is outside [0, " + s.length
                    + "] for shape " + Arrays.toString(s));
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= s[d];
        }
        long inner = 1;
        for (int d = axis; d < s.length; d++) {
            inner *= s[d];
        }
        return contiguous(x).reshape('c', outer, inner);
    }

    static INDArray contiguous(INDArray x) {
        return x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    }
}
