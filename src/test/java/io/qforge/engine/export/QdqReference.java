package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The QDQ semantics of an {@link IntModel}, simulated in float64 with the float32-rounded scales
 * the exported model holds: every tensor is {@code s (q - z)} with
 * {@code q = clamp(rint(clip(x) / s) + z, qmin, qmax)} (round half to even), every float op is
 * computed on dequantized inputs, weights {@code s_w[c] (w - z_w)} and biases
 * {@code (float)(s_x s_w[c]) b}.
 */
final class QdqReference {

    private QdqReference() {
    }

    /** The graph output for input {@code x}: dequantized last tensor, then softmax if the model has one. */
    static T run(IntModel m, T x) {
        Map<String, T> values = new HashMap<>();
        values.put(m.input(), fakeQuant(x, m.encoding(m.input()), IntLayer.Clip.NONE));
        for (IntLayer l : m.layers()) {
            values.put(l.output(), fakeQuant(floatOp(l, values::get, m::encoding), m.encoding(l.output()), clip(l)));
        }
        T y = values.get(m.quantizedOutput());
        return m.softmaxAxis() >= 0 ? RefOps.softmaxLast(y) : y;
    }

    static IntLayer.Clip clip(IntLayer l) {
        if (l instanceof IntLayer.Conv c) {
            return c.clip();
        }
        if (l instanceof IntLayer.Gemm g) {
            return g.clip();
        }
        return l instanceof IntLayer.Add a ? a.clip() : IntLayer.Clip.NONE;
    }

    /** {@code s (q - z)} of {@code q = clamp(rint(clip(x) / s) + z, qmin, qmax)}, per tensor. */
    static T fakeQuant(T x, QuantParams p, IntLayer.Clip clip) {
        double s = (float) p.scale(0);
        int z = p.zeroPoint(0);
        double[] y = new double[x.v().length];
        for (int i = 0; i < y.length; i++) {
            double v = Math.min(Math.max(x.v()[i], clip.min()), clip.max());
            double q = Math.min(Math.max(Math.rint(v / s) + z, p.qmin()), p.qmax());
            y[i] = s * (q - z);
        }
        return new T(y, x.shape());
    }

    /** The layer's float op on dequantized inputs, before its fused clip and output quantizer. */
    static T floatOp(IntLayer l, Function<String, T> in, Function<String, QuantParams> enc) {
        if (l instanceof IntLayer.Conv c) {
            return RefOps.conv(in.apply(c.input()), weights(c.weight(), c.weightParams()),
                    biases(c.bias(), enc, c.input(), c.weightParams()), c.strides(), c.pads(), c.dilations(), c.group());
        }
        if (l instanceof IntLayer.Gemm g) {
            return RefOps.gemm(in.apply(g.input()), weights(g.weight(), g.weightParams()),
                    biases(g.bias(), enc, g.input(), g.weightParams()));
        }
        if (l instanceof IntLayer.Add a) {
            return RefOps.zip(in.apply(a.a()), in.apply(a.b()), Double::sum);
        }
        if (l instanceof IntLayer.Mul x) {
            return RefOps.zip(in.apply(x.a()), in.apply(x.b()), (p, q) -> p * q);
        }
        if (l instanceof IntLayer.Concat c) {
            return RefOps.concat(c.inputs().stream().map(in).toList(), c.axis());
        }
        if (l instanceof IntLayer.Sigmoid s) {
            return RefOps.map(in.apply(s.input()), v -> 1 / (1 + Math.exp(-v)));
        }
        if (l instanceof IntLayer.MaxPool p) {
            return RefOps.pool(in.apply(p.input()), p.kernel(), p.strides(), p.pads(), p.dilations(), true, false);
        }
        if (l instanceof IntLayer.AveragePool p) {
            T x = in.apply(p.input());
            return p.global() ? RefOps.pool(x, new long[] {x.dim(2), x.dim(3)}, null, null, null, false, false)
                    : RefOps.pool(x, p.kernel(), p.strides(), p.pads(), null, false, p.countIncludePad());
        }
        if (l instanceof IntLayer.Reshape r) {
            return RefOps.reshape(in.apply(r.input()), r.shape());
        }
        if (l instanceof IntLayer.Flatten f) {
            T x = in.apply(f.input());
            int outer = 1;
            for (int i = 0; i < f.axis(); i++) {
                outer *= x.dim(i);
            }
            return x.reshape(outer, x.v().length / outer);
        }
        throw new IllegalArgumentException("no reference for " + l);
    }

    /** {@code s_w[c] (w - z_w[c])} with float32 scales, channel on axis 0. */
    static T weights(org.nd4j.linalg.api.ndarray.INDArray w, QuantParams p) {
        double[] q = w.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        int[] shape = java.util.Arrays.stream(w.shape()).mapToInt(d -> (int) d).toArray();
        int per = q.length / shape[0];
        double[] v = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            int c = p.channels() == 1 ? 0 : i / per;
            v[i] = (float) p.scale(c) * (q[i] - p.zeroPoint(c));
        }
        return new T(v, shape);
    }

    private static double[] biases(int[] b, Function<String, QuantParams> enc, String input, QuantParams wp) {
        return b == null ? null : biasValues(b, enc.apply(input).scale(0), wp);
    }

    static double[] biasValues(int[] b, double sx, QuantParams wp) {
        double[] v = new double[b.length];
        for (int c = 0; c < b.length; c++) {
            v[c] = (float) (sx * wp.scale(wp.channels() == 1 ? 0 : c)) * (double) b[c];
        }
        return v;
    }

}
