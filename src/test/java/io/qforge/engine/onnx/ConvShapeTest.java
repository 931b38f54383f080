package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static io.qforge.engine.onnx.OnnxModels.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.graph.Graph;
import org.junit.jupiter.api.Test;

/** Inferred Conv / pool shapes against the shapes ONNX Runtime actually produces. */
class ConvShapeTest {

    @Test
    void convWithAsymmetricPadsStridesDilationsAndGroups() {
        // x [N,4,11,13], weight [6, 4/2, 3, 2], group 2, strides (2,3), dilations (2,1), pads (1,0 | 2,1)
        byte[] model = OnnxModels.opset(13).input("x", -1, 4, 11, 13)
                .weight("w", 6, 2, 3, 2).weight("b", 6)
                .node("Conv", "conv", "y", in("x", "w", "b"), i("group", 2), ints("strides", 2, 3),
                        ints("dilations", 2, 1), ints("pads", 1, 0, 2, 1))
                .output("y").bytes();
        Graph g = OnnxImporter.load(model);
        long[] inferred = g.shapes().get("y");
        assertThat(inferred[0]).isEqualTo(-1);
        for (long batch : new long[] {1, 3}) {
            long[] xs = {batch, 4, 11, 13};
            Ort.Output out = Ort.run(model, Ort.random(batch, xs), xs);
            assertThat(Ort.withBatch(inferred, batch)).containsExactly(out.shape());
        }
        assertThat(g.outputs().get(0).shape()).containsExactly(inferred);
    }

    @Test
    void autoPadSameUpperAndLowerBecomeExplicitPadsWithTheSameResult() {
        for (String mode : new String[] {"SAME_UPPER", "SAME_LOWER"}) {
            // odd total padding on both axes, so UPPER and LOWER differ
            byte[] model = OnnxModels.opset(13).input("x", -1, 2, 7, 8).weight("w", 3, 2, 2, 4)
                    .node("Conv", "conv", "c", in("x", "w"), s("auto_pad", mode), ints("strides", 1, 3))
                    .node("AveragePool", "pool", "y", in("c"), s("auto_pad", mode), ints("kernel_shape", 2, 2),
                            ints("strides", 2, 2))
                    .output("y").bytes();
            Graph g = OnnxImporter.load(model);
            assertThat(g.nodes()).allSatisfy(n -> assertThat(n.attributes()).doesNotContainKey("auto_pad"));
            long[] xs = {2, 2, 7, 8};
            float[] x = Ort.random(7, xs);
            Ort.Output original = Ort.run(model, x, xs);
            Ort.Output exported = Ort.run(OnnxExporter.toBytes(g), x, xs);
            assertThat(Ort.withBatch(g.shapes().get("y"), 2)).as(mode).containsExactly(original.shape());
            assertThat(Ort.withBatch(g.shapes().get("c"), 2)[2]).isEqualTo(7);
            assertThat(Ort.maxAbsDiff(original.values(), exported.values())).as(mode).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void poolsAndGlobalPoolShapes() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 3, 10, 9)
                .node("MaxPool", "mp", "a", in("x"), ints("kernel_shape", 3, 2), ints("strides", 2, 1),
                        ints("pads", 1, 0, 0, 1), ints("dilations", 1, 2))
                .node("AveragePool", "ap", "b", in("a"), ints("kernel_shape", 2, 2), ints("pads", 1, 1, 1, 1),
                        i("count_include_pad", 1))
                .node("GlobalAveragePool", "gap", "y", in("b"))
                .output("y").bytes();
        Graph g = OnnxImporter.load(model);
        long[] xs = {2, 3, 10, 9};
        float[] x = Ort.random(3, xs);
        Ort.Output out = Ort.run(model, x, xs);
        assertThat(Ort.withBatch(g.shapes().get("y"), 2)).containsExactly(out.shape());
        // intermediate shapes: run truncated models with each intermediate as the output
        assertThat(g.shapes().get("y")).containsExactly(-1, 3, 1, 1);
        Ort.Output exported = Ort.run(OnnxExporter.toBytes(g), x, xs);
        assertThat(Ort.maxAbsDiff(out.values(), exported.values())).isLessThanOrEqualTo(1e-5);
    }
}
