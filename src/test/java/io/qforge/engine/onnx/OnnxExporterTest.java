package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.f;
import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ValueInfo;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OnnxExporterTest {

    /** Every supported runtime op in one opset-13 model; the output passes through an Identity. */
    static byte[] allOps() {
        return OnnxModels.opset(13).input("x", -1, 3, 8, 8)
                .weight("c1.w", 4, 3, 3, 3).weight("c1.b", 4)
                .positive("bn.scale", 4).weight("bn.bias", 4).weight("bn.mean", 4).positive("bn.var", 4)
                .floats("six", new float[] {6f}).floats("zero", new float[] {0f})
                .weight("c2.w", 4, 4, 1, 1)
                .weight("mm.w", 8, 6).weight("mm.b", 6)
                .weight("fc.w", 10, 6).weight("fc.b", 10)
                .node("Conv", "conv1", "c1", in("x", "c1.w", "c1.b"), ints("pads", 1, 1, 1, 1))
                .node("BatchNormalization", "bn1", "bn", in("c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"), f("epsilon", 1e-3f))
                .node("Clip", "relu6", "r6", in("bn", "zero", "six"))
                .node("MaxPool", "pool1", "p", in("r6"), ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("Conv", "conv2", "c2", in("p", "c2.w"))
                .node("Sigmoid", "sig", "sg", in("c2"))
                .node("Mul", "gate", "gm", in("sg", "p"))
                .node("Add", "res", "ad", in("gm", "p"))
                .node("Concat", "cat", "ct", in("ad", "p"), i("axis", 1))
                .node("AveragePool", "apool", "ap", in("ct"), ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("GlobalAveragePool", "gap", "gp", in("ap"))
                .node("Flatten", "flat", "fl", in("gp"))
                .node("MatMul", "mm", "mmo", in("fl", "mm.w"))
                .node("Add", "mm_bias", "mmb", in("mmo", "mm.b"))
                .node("Relu", "relu", "rl", in("mmb"))
                .node("Dropout", "drop", "dr", in("rl"))
                .node("Gemm", "fc", "logits", in("dr", "fc.w", "fc.b"), i("transB", 1), f("alpha", 0.5f), f("beta", 2f))
                .node("Softmax", "softmax", "sm", in("logits"), i("axis", -1))
                .node("Identity", "out", "probs", in("sm"))
                .output("probs", -1, 10).bytes();
    }

    @Test
    void roundTripGivesTheSameOutputsInOnnxRuntime() {
        byte[] model = allOps();
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).doesNotContain("Dropout").contains("Identity");
        assertThat(g.outputs()).extracting(ValueInfo::name).containsExactly("probs");
        byte[] exported = OnnxExporter.toBytes(g, new ExportOptions("qforge-test", "9.9", "round trip"));
        ModelProto m = OnnxImporter.parse(exported);
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(m.getIrVersion()).isEqualTo(7);
        assertThat(m.getProducerName()).isEqualTo("qforge-test");
        assertThat(m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        for (long batch : new long[] {1, 4}) {
            long[] xs = {batch, 3, 8, 8};
            float[] x = Ort.random(100 + batch, xs);
            Ort.Output original = Ort.run(model, x, xs);
            Ort.Output ours = Ort.run(exported, x, xs);
            assertThat(ours.shape()).containsExactly(batch, 10);
            assertThat(Ort.maxAbsDiff(original.values(), ours.values())).isLessThanOrEqualTo(1e-5);
        }
        // the exported model imports again to the same graph
        Graph again = OnnxImporter.load(exported);
        assertThat(again.nodes()).extracting(Node::opType).containsExactlyElementsOf(g.nodes().stream().map(Node::opType).toList());
    }

    @Test
    void exportWritesTheCurrentInitializerValues() {
        byte[] model = allOps();
        Graph g = OnnxImporter.load(model);
        long[] xs = {2, 3, 8, 8};
        float[] x = Ort.random(5, xs);
        float[] before = Ort.run(OnnxExporter.toBytes(g), x, xs).values();
        g.initializer("fc.w").muli(3); // what a training step does: update in place
        INDArray updated = g.initializer("fc.w").dup();
        byte[] exported = OnnxExporter.toBytes(g);
        float[] after = Ort.run(exported, x, xs).values();
        assertThat(Ort.maxAbsDiff(before, after)).isGreaterThan(1e-3);
        assertThat(OnnxImporter.load(exported).initializer("fc.w")).isEqualTo(updated);
    }

    @Test
    void builderAddsQuantizeDequantizePairsThatOnnxRuntimeRuns() {
        // x -> Q(scale 0.05, zp 3, int8) -> DQ -> MatMul(DQ(int8 W, per-column scales, axis 1)) -> y
        OnnxModelBuilder b = new OnnxModelBuilder("qdq");
        b.input(new ValueInfo("x", ElementType.FLOAT, new long[] {-1, 4}));
        INDArray scale = Nd4j.scalar(0.05f);
        INDArray zp = OnnxModelBuilder.scalar(ElementType.INT8, 3);
        String xq = b.quantizeLinear("x", scale, zp, 0);
        String xdq = b.dequantizeLinear(xq, scale, zp, 0);
        INDArray wq = Nd4j.createFromArray(new byte[] {1, -2, 3, 4, -5, 6, 7, 8}).reshape(4, 2);
        b.initializer("w_q", wq);
        INDArray wScale = Nd4j.createFromArray(0.1f, 0.2f);
        String wdq = b.dequantizeLinear("w_q", wScale, Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.INT8, 2), 1);
        b.node("mm", "MatMul", List.of(xdq, wdq), List.of("y"), Map.of());
        b.output(new ValueInfo("y", ElementType.FLOAT, new long[] {-1, 2}));
        float[] x = {0.12f, -0.3f, 1.0f, 0.5f};
        Ort.Output out = Ort.run(b.toBytes(), x, new long[] {1, 4});
        // reference: quantize x by hand (rint, saturate to int8), dequantize, multiply
        double[] xd = new double[4];
        for (int k = 0; k < 4; k++) {
            double q = Math.max(-128, Math.min(127, Math.rint(x[k] / 0.05f) + 3));
            xd[k] = (q - 3) * 0.05f;
        }
        for (int j = 0; j < 2; j++) {
            double acc = 0;
            for (int k = 0; k < 4; k++) {
                acc += xd[k] * wq.getDouble(k, j) * wScale.getDouble(j);
            }
            assertThat((double) out.values()[j]).isCloseTo(acc, org.assertj.core.data.Offset.offset(1e-5));
        }
    }
}
