package io.qforge.engine.int8;

import io.qforge.engine.quant.QuantParams;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Concatenation of int8 tensors along {@code axis}, each input requantized to the output encoding
 * by an {@link Int8Lut#requantize} table (a plain copy when the encodings agree, the usual case
 * for ONNX Runtime's QLinearConcat fusion):
 * {@code y_q = clamp(z_y + round((x_q - z_x) s_x / s_y), qmin, qmax)}.
 */
public final class Int8Concat {
    private final int axis;
    private final Int8Lut[] maps;

    public Int8Concat(List<QuantParams> inputs, QuantParams out, int axis) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("int8 concat: no inputs");
        }
        if (axis < 0) {
            throw new IllegalArgumentException("int8 concat: axis " + axis + " is not allowed (>= 0)");
        }
        this.axis = axis;
        this.maps = inputs.stream().map(p -> Int8Lut.requantize(p, out)).toArray(Int8Lut[]::new);
    }

    public INDArray forward(List<INDArray> inputs) {
        if (inputs.size() != maps.length) {
            throw new IllegalArgumentException("int8 concat: " + inputs.size() + " inputs, built for " + maps.length);
        }
        long[] first = inputs.get(0).shape();
        if (axis >= first.length) {
            throw new IllegalArgumentException("int8 concat: axis " + axis + " is outside a rank-" + first.length
                    + " input");
        }
        long[] outShape = first.clone();
        outShape[axis] = 0;
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= first[d];
        }
        int[] chunk = new int[maps.length];
        byte[][] data = new byte[maps.length][];
        for (int i = 0; i < maps.length; i++) {
            long[] s = inputs.get(i).shape();
            boolean matches = s.length == first.length;
            for (int d = 0; matches && d < s.length; d++) {
                matches = d == axis || s[d] == first[d];
            }
            if (!matches) {
                throw new IllegalArgumentException("int8 concat: input " + i + " shape " + Arrays.toString(s)
                        + " does not match input 0 shape " + Arrays.toString(first) + " outside axis " + axis);
            }
            outShape[axis] += s[axis];
            data[i] = Int8Arrays.bytes(inputs.get(i), "int8 concat input " + i);
            chunk[i] = (int) (data[i].length / Math.max(outer, 1));
        }
        int total = 0;
        for (byte[] d : data) {
            total += d.length;
        }
        byte[] out = new byte[total];
        int o = 0;
        for (int k = 0; k < outer; k++) {
            for (int i = 0; i < maps.length; i++) {
                int from = k * chunk[i];
                if (maps[i] == null) {
                    System.arraycopy(data[i], from, out, o, chunk[i]);
                } else {
                    maps[i].apply(data[i], from, out, o, chunk[i]);
                }
                o += chunk[i];
            }
        }
        return Int8Arrays.int8(out, outShape);
    }
}
