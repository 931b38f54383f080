package io.qforge.engine.convert;

import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.OpContext;
import io.qforge.engine.ops.OpRegistry;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Test-only: runs an {@link IntModel} in float with its own params, {@code dequant(quant(...))} at
 * every layer output: weights {@code s_w (q_w)}, bias {@code s_in s_w[c] q_b}, the float op, the
 * fused clip, then fake quantization with the output encoding. Shape-only layers pass on-grid
 * values through unchanged.
 */
final class IntModelFloatSimulation {
    private IntModelFloatSimulation() {
    }

    /** Every tensor's dequantized value for input {@code x} (float32). */
    static Map<String, INDArray> run(IntModel m, INDArray x) {
        Map<String, INDArray> v = new HashMap<>();
        v.put(m.input(), QuantPrimitives.fakeQuantize(x, m.encoding(m.input())));
        for (IntLayer l : m.layers()) {
            v.put(l.output(), layer(m, l, v));
        }
        return v;
    }

    /** One layer's output from the values of its inputs in {@code v}. */
    static INDArray layer(IntModel m, IntLayer l, Map<String, INDArray> v) {
        INDArray[] in = l.inputs().stream().map(v::get).toArray(INDArray[]::new);
        QuantParams out = m.encoding(l.output());
        if (l instanceof IntLayer.Conv c) {
            INDArray w = QuantPrimitives.dequantize(c.weight(), c.weightParams(), DataType.FLOAT);
            Node n = node("Conv", Map.of("kernel_shape", new long[] {w.size(2), w.size(3)}, "strides", c.strides(),
                    "pads", c.pads(), "dilations", c.dilations(), "group", (long) c.group()));
            INDArray y = run(n, in[0], w, bias(c.bias(), m.encoding(c.input()), c.weightParams()));
            return fq(clip(y, c.clip()), out);
        }
        if (l instanceof IntLayer.Gemm g) {
            INDArray w = QuantPrimitives.dequantize(g.weight(), g.weightParams(), DataType.FLOAT);
            INDArray y = run(node("Gemm", Map.of("transB", 1L)), in[0], w,
                    bias(g.bias(), m.encoding(g.input()), g.weightParams()));
            return fq(clip(y, g.clip()), out);
        }
        if (l instanceof IntLayer.Add a) {
            return fq(clip(run(node("Add", Map.of()), in), a.clip()), out);
        }
        if (l instanceof IntLayer.Mul) {
            return fq(run(node("Mul", Map.of()), in), out);
        }
        if (l instanceof IntLayer.Concat c) {
            return fq(run(node("Concat", Map.of("axis", (long) c.axis())), in), out);
        }
        if (l instanceof IntLayer.Sigmoid) {
            return fq(run(node("Sigmoid", Map.of()), in), out);
        }
        if (l instanceof IntLayer.AveragePool p) {
            Node n = p.global() ? node("GlobalAveragePool", Map.of()) : node("AveragePool", Map.of("kernel_shape",
                    p.kernel(), "strides", p.strides(), "pads", p.pads(), "count_include_pad",
                    p.countIncludePad() ? 1L : 0L));
            return fq(run(n, in), out);
        }
        if (l instanceof IntLayer.MaxPool p) {
            return run(node("MaxPool", Map.of("kernel_shape", p.kernel(), "strides", p.strides(), "pads", p.pads(),
                    "dilations", p.dilations())), in);
        }
        if (l instanceof IntLayer.Reshape r) {
            return run(node("Reshape", Map.of()), in[0], Nd4j.createFromArray(r.shape()));
        }
        if (l instanceof IntLayer.Flatten f) {
            return run(node("Flatten", Map.of("axis", (long) f.axis())), in);
        }
        throw new IllegalArgumentException("no simulation for " + l);
    }

    private static INDArray bias(int[] q, QuantParams in, QuantParams w) {
        double[] b = new double[q.length];
        for (int c = 0; c < b.length; c++) {
            b[c] = q[c] * in.scale(0) * w.scale(w.channels() == 1 ? 0 : c);
        }
        return Nd4j.createFromArray(b).castTo(DataType.FLOAT);
    }

    private static INDArray clip(INDArray y, IntLayer.Clip c) {
        INDArray r = y;
        if (c.min() != Double.NEGATIVE_INFINITY) {
            r = Transforms.max(r, c.min(), true);
        }
        if (c.max() != Double.POSITIVE_INFINITY) {
            r = Transforms.min(r, c.max(), true);
        }
        return r;
    }

    private static INDArray fq(INDArray y, QuantParams p) {
        return QuantPrimitives.fakeQuantize(y, p);
    }

    private static Node node(String type, Map<String, Object> attrs) {
        return new Node("sim", type, List.of("a", "b", "c"), List.of("y"), attrs);
    }

    private static INDArray run(Node n, INDArray... in) {
        return OpRegistry.create(n).forward(in, new OpContext(false))[0];
    }
}
