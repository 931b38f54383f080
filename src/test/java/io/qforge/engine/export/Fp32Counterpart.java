package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.ValueInfo;
import io.qforge.engine.onnx.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The FP32 ONNX model of the same network as an {@link IntModel} (conv/gemm/pool/relu only):
 * float32 weights {@code s_w[c] w} and biases {@code s_x s_w[c] b}, the fused clips as Relu / Clip,
 * no quantizers. What a user would have uploaded, for the size comparison.
 */
final class Fp32Counterpart {

    private Fp32Counterpart() {
    }

    static byte[] toBytes(IntModel m, long[] outputShape) {
        OnnxModelBuilder b = new OnnxModelBuilder(m.name());
        b.input(new ValueInfo(m.input(), ElementType.FLOAT, m.inputShape()));
        for (IntLayer l : m.layers()) {
            String out = l.output() + (QdqReference.clip(l).isNone() ? "" : "_preact");
            if (l instanceof IntLayer.Conv c) {
                List<String> ins = params(b, l, c.input(), QdqReference.weights(c.weight(), c.weightParams()),
                        QdqReference.biasValues(c.bias(), m.encoding(c.input()).scale(0), c.weightParams()));
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("kernel_shape", new long[] {c.weight().size(2), c.weight().size(3)});
                a.put("strides", c.strides());
                a.put("pads", c.pads());
                a.put("group", (long) c.group());
                b.node(c.name(), "Conv", ins, List.of(out), a);
            } else if (l instanceof IntLayer.Gemm g) {
                List<String> ins = params(b, l, g.input(), QdqReference.weights(g.weight(), g.weightParams()),
                        QdqReference.biasValues(g.bias(), m.encoding(g.input()).scale(0), g.weightParams()));
                b.node(g.name(), "Gemm", ins, List.of(out), Map.of("transB", 1L));
            } else if (l instanceof IntLayer.MaxPool p) {
                b.node(p.name(), "MaxPool", List.of(p.input()), List.of(out),
                        Map.of("kernel_shape", p.kernel(), "strides", p.strides()));
            } else if (l instanceof IntLayer.Flatten f) {
                b.node(f.name(), "Flatten", List.of(f.input()), List.of(out), Map.of("axis", (long) f.axis()));
            } else {
                throw new IllegalArgumentException("no FP32 counterpart for " + l);
            }
            IntLayer.Clip clip = QdqReference.clip(l);
            if (!clip.isNone()) {
                b.node(l.name() + "_relu", "Relu", List.of(out), List.of(l.output()), Map.of());
            }
        }
        String last = m.quantizedOutput();
        if (m.softmaxAxis() >= 0) {
            b.node("softmax", "Softmax", List.of(last), List.of(m.outputName()), Map.of("axis", (long) m.softmaxAxis()));
        }
        b.output(new ValueInfo(m.outputName(), ElementType.FLOAT, outputShape));
        return b.toBytes();
    }

    private static List<String> params(OnnxModelBuilder b, IntLayer l, String input, T w, double[] bias) {
        float[] wf = new float[w.v().length];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) w.v()[i];
        }
        float[] bf = new float[bias.length];
        for (int i = 0; i < bf.length; i++) {
            bf[i] = (float) bias[i];
        }
        b.initializer(l.name() + ".weight", Nd4j.createFromArray(wf).reshape('c', w.longShape()));
        b.initializer(l.name() + ".bias", Nd4j.createFromArray(bf));
        return new ArrayList<>(List.of(input, l.name() + ".weight", l.name() + ".bias"));
    }
}
