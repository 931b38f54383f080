package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static io.qforge.engine.onnx.OnnxModels.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import org.junit.jupiter.api.Test;

/**
 * Pad at import: a Pad of zeros (PyTorch's AvgPool2d export, densenet's transitions) is dropped; a
 * constant-zero Pad feeding a Conv or a counting AveragePool is folded into its pads; any other Pad
 * runs as an op; cropping and padding the batch are refused.
 */
class ZeroPadImportTest {

    private static byte[] model(long... pads) {
        return OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("conv.weight", 4, 1, 1, 1).weight("conv.bias", 4)
                .weight("fc.weight", 10, 64).weight("fc.bias", 10)
                .longs("pads", pads, pads.length)
                .node("Conv", "conv", "c", in("x", "conv.weight", "conv.bias"))
                .node("Pad", "pool/Pad", "p", in("c", "pads"))
                .node("AveragePool", "pool", "a", in("p"), ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("Flatten", "flatten", "f", in("a"), i("axis", 1))
                .node("Gemm", "fc", "y", in("f", "fc.weight", "fc.bias"), i("transB", 1))
                .output("y", -1, 10).bytes();
    }

    @Test
    void aPadOfZerosIsDroppedAndTheModelMatchesOnnxRuntime() {
        byte[] model = model(0, 0, 0, 0, 0, 0, 0, 0);
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Conv", "AveragePool", "Flatten", "Gemm");
        long[] xs = {3, 1, 8, 8};
        float[] x = Ort.random(11, xs);
        Ort.Output original = Ort.run(model, x, xs);
        Ort.Output ours = Ort.run(OnnxExporter.toBytes(g), x, xs);
        assertThat(Ort.maxAbsDiff(original.values(), ours.values())).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void aConstantZeroPadBeforeAnAveragePoolBecomesItsCountedPads() {
        // PyTorch's F.avg_pool2d(x, 3, 1, padding=1) (count_include_pad=True), as inception_v3 writes it
        byte[] model = OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("conv.weight", 4, 1, 1, 1).weight("conv.bias", 4)
                .longs("pads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8)
                .node("Conv", "conv", "c", in("x", "conv.weight", "conv.bias"))
                .node("Pad", "pool/Pad", "p", in("c", "pads"))
                .node("AveragePool", "pool", "y", in("p"), ints("kernel_shape", 3, 3), ints("strides", 1, 1))
                .output("y", -1, 4, 8, 8).bytes();
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Conv", "AveragePool");
        Node pool = g.nodes().get(1);
        assertThat(pool.attrInts("pads", null)).containsExactly(1, 1, 1, 1);
        assertThat(pool.attrInt("count_include_pad", 0)).isEqualTo(1);
        assertThat(EngineParity.maxAbsDiff(model, 3, 2, 1, 8, 8)).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void aZeroPadBeforeAConvIsFoldedIntoItsPads() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 2, 6, 6).weight("w", 3, 2, 3, 3)
                .longs("pads", new long[] {0, 0, 2, 0, 0, 0, 1, 1}, 8)
                .node("Pad", "pad", "p", in("x", "pads"))
                .node("Conv", "conv", "y", in("p", "w"), ints("pads", 1, 1, 1, 1))
                .output("y", -1, 3, 9, 8).bytes();
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Conv");
        assertThat(g.nodes().get(0).attrInts("pads", null)).containsExactly(3, 1, 2, 2);
        assertThat(EngineParity.maxAbsDiff(model, 4, 2, 2, 6, 6)).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void otherPaddingRunsAsAPadOp() {
        // a reflect pad, and a zero pad before a MaxPool (which pads with -inf, so folding would be wrong)
        byte[] model = OnnxModels.opset(13).input("x", -1, 2, 6, 6)
                .longs("pads", new long[] {0, 0, 1, 2, 0, 0, 2, 1}, 8).longs("zpads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8)
                .node("Pad", "reflect", "r", in("x", "pads"), s("mode", "reflect"))
                .node("Pad", "zero", "z", in("r", "zpads"))
                .node("MaxPool", "pool", "y", in("z"), ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .output("y", -1, 2, 5, 5).bytes();
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Pad", "Pad", "MaxPool");
        assertThat(EngineParity.maxAbsDiff(model, false, 5, 2, 2, 6, 6)).isZero();
        // ORT's PadFusion merges the zero Pad into the MaxPool (then -inf padding): not the model's result
        assertThat(EngineParity.maxAbsDiff(model, true, 5, 2, 2, 6, 6)).isGreaterThan(0.1);
    }

    @Test
    void croppingAndBatchPaddingAreRefusedNamingTheNode() {
        assertThatThrownBy(() -> OnnxImporter.load(model(0, 0, -1, 0, 0, 0, 0, 0)))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("node 'pool/Pad' (Pad): pads [0, 0, -1, 0, 0, 0, 0, 0] must be constant and non-negative");
        assertThatThrownBy(() -> OnnxImporter.load(model(1, 0, 0, 0, 0, 0, 0, 0)))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("Pad 'pool/Pad': pads the dynamic batch dimension");
    }
}
