package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import org.junit.jupiter.api.Test;

/** PyTorch's AvgPool2d exports a Pad of zeros before AveragePool (densenet's transitions): it is dropped. */
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
    void realPaddingIsRefusedNamingTheNode() {
        assertThatThrownBy(() -> OnnxImporter.load(model(0, 0, 1, 1, 0, 0, 1, 1)))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("node 'pool/Pad' (Pad): only a Pad that adds nothing is supported yet, got pads [0, 0, 1, 1, 0, 0, 1, 1]");
    }
}
