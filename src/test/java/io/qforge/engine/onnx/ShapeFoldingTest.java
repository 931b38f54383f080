package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static io.qforge.engine.onnx.OnnxModels.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import java.util.Arrays;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;

/** PyTorch's {@code x.view(x.size(0), -1)} and other shape computations folded at import. */
class ShapeFoldingTest {

    /** Conv -> Relu -> Shape -> Gather(0) -> Unsqueeze -> Concat(., [-1]) -> Reshape -> Gemm, as torch exports it. */
    private static byte[] viewPattern() {
        return OnnxModels.opset(13).input("x", -1, 2, 4, 4)
                .weight("conv.weight", 3, 2, 3, 3).weight("conv.bias", 3)
                .weight("fc.weight", 5, 48).weight("fc.bias", 5)
                .longs("axes0", new long[] {0}, 1)
                .node("Conv", "Conv_0", "c", in("x", "conv.weight", "conv.bias"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "Relu_1", "r", in("c"))
                .node("Shape", "Shape_2", "s", in("r"))
                .node("Constant", "Constant_3", "idx", in(), t("value", OnnxModels.longTensor("", new long[] {0})))
                .node("Gather", "Gather_4", "g", in("s", "idx"), i("axis", 0))
                .node("Unsqueeze", "Unsqueeze_5", "u", in("g", "axes0"))
                .node("Constant", "Constant_6", "m1", in(), t("value", OnnxModels.longTensor("", new long[] {-1}, 1)))
                .node("Concat", "Concat_7", "shape", in("u", "m1"), i("axis", 0))
                .node("Reshape", "Reshape_8", "flat", in("r", "shape"))
                .node("Gemm", "Gemm_9", "y", in("flat", "fc.weight", "fc.bias"), i("transB", 1))
                .output("y", -1, 5).bytes();
    }

    @Test
    void viewPatternFoldsToReshapeWithBatchCopyAndRunsForAnyBatch() {
        byte[] model = viewPattern();
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Conv", "Relu", "Reshape", "Gemm");
        Node reshape = g.nodes().get(2);
        assertThat(g.initializer(reshape.input(1)).toLongVector()).containsExactly(0, -1);
        assertThat(g.initializers()).doesNotContainKeys("axes0", "idx", "m1");
        assertThat(g.shapes().get("flat")).containsExactly(-1, 48);
        assertThat(g.shapes().get("y")).containsExactly(-1, 5);
        byte[] exported = OnnxExporter.toBytes(g);
        for (long batch : new long[] {2, 5}) {
            long[] xs = {batch, 2, 4, 4};
            float[] x = Ort.random(batch, xs);
            Ort.Output original = Ort.run(model, x, xs);
            assertThat(original.shape()).containsExactly(Ort.withBatch(g.shapes().get("y"), batch));
            Ort.Output ours = Ort.run(exported, x, xs);
            assertThat(ours.shape()).containsExactly(original.shape());
            assertThat(Ort.maxAbsDiff(original.values(), ours.values())).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void staticBatchExportWithLiteralBatchInReshapeBecomesBatchAgnostic() {
        // an export without dynamic axes: input [1,2,4,4], Unsqueeze with opset-11 axes attribute,
        // Shape->Slice->Cast and a literal [1, -1] reshape shape
        byte[] model = OnnxModels.opset(11).input("x", 1, 2, 4, 4)
                .weight("fc.weight", 32, 6).weight("scale", 1).longs("lit", new long[] {1, -1}, 2)
                .longs("st", new long[] {1}, 1).longs("en", new long[] {2}, 1)
                .node("Shape", "shape_x", "s", in("x"))
                .node("Slice", "slice_c", "ch", in("s", "st", "en"))
                .node("Cast", "cast_c", "chf", in("ch"), i("to", TensorProto.DataType.INT64_VALUE))
                .node("Unsqueeze", "unsq", "chu", in("chf"), ints("axes", 0))
                .node("Reshape", "flatten_lit", "f", in("x", "lit"))
                .node("Div", "div_w", "w2", in("fc.weight", "scale"))
                .node("MatMul", "mm", "y", in("f", "w2"))
                .output("y", 1, 6).bytes();
        Graph g = OnnxImporter.load(model);
        assertThat(g.nodes()).extracting(Node::opType).containsExactly("Reshape", "MatMul");
        assertThat(g.initializer(g.nodes().get(0).input(1)).toLongVector()).containsExactly(0, -1);
        assertThat(g.inputs().get(0).shape()).containsExactly(-1, 2, 4, 4);
        byte[] exported = OnnxExporter.toBytes(g);
        long[] xs = {3, 2, 4, 4};
        float[] x = Ort.random(11, xs);
        Ort.Output ours = Ort.run(exported, x, xs);
        assertThat(ours.shape()).containsExactly(3, 6);
        for (int b = 0; b < 3; b++) { // the original accepts batch 1 only: compare sample by sample
            float[] one = Arrays.copyOfRange(x, b * 32, (b + 1) * 32);
            Ort.Output original = Ort.run(model, one, new long[] {1, 2, 4, 4});
            float[] mine = Arrays.copyOfRange(ours.values(), b * 6, (b + 1) * 6);
            assertThat(Ort.maxAbsDiff(original.values(), mine)).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void arithmeticOnTheBatchSizeIsRefused() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 4, 2)
                .longs("two", new long[] {2}, 1).longs("idx", new long[] {0}).longs("m1", new long[] {-1}, 1)
                .longs("axes0", new long[] {0}, 1)
                .node("Shape", "sh", "s", in("x"))
                .node("Gather", "ga", "n", in("s", "idx"))
                .node("Unsqueeze", "un", "n1", in("n", "axes0"))
                .node("Mul", "double_batch", "n2", in("n1", "two"))
                .node("Concat", "cat", "shape", in("n2", "m1"), i("axis", 0))
                .node("Reshape", "rs", "y", in("x", "shape"))
                .output("y").bytes();
        assertThatThrownBy(() -> OnnxImporter.load(model)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("Mul 'double_batch' computes with the dynamic batch size");
    }

    @Test
    void gatherOnARuntimeTensorRunsAsAnOpExceptAlongTheBatch() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 4).longs("idx", new long[] {1, 2}, 2)
                .node("Gather", "pick", "y", in("x", "idx"), i("axis", 1))
                .output("y").bytes();
        assertThat(OnnxImporter.load(model).nodes()).extracting(n -> n.opType()).containsExactly("Gather");
        assertThat(EngineParity.maxAbsDiff(model, 1, 3, 4)).isZero();
        byte[] batch = OnnxModels.opset(13).input("x", -1, 4).longs("idx", new long[] {1, 2}, 2)
                .node("Gather", "pick", "y", in("x", "idx"), i("axis", 0))
                .output("y").bytes();
        assertThatThrownBy(() -> OnnxImporter.load(batch)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("Gather 'pick': gathers along the dynamic batch dimension");
    }
}
