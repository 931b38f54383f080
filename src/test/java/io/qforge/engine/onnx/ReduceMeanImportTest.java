package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.Fixtures;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.TrainConfig;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's {@code x.mean([2, 3])} (mnasnet, shufflenet_v2 end with it): ReduceMean over the
 * spatial axes imports as GlobalAveragePool (+ Flatten without keepdims), runs like the original in
 * ONNX Runtime, and quantizes with simulation, integer engine and ORT agreeing.
 */
class ReduceMeanImportTest {

    private static byte[] model(long keepdims, long... axes) {
        var b = OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("conv.weight", 4, 1, 3, 3).weight("conv.bias", 4)
                .weight("fc.weight", 10, 4).weight("fc.bias", 10)
                .node("Conv", "conv", "c", in("x", "conv.weight", "conv.bias"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "relu", "r", in("c"))
                .node("ReduceMean", "mean", "m", in("r"), ints("axes", axes), i("keepdims", keepdims));
        if (keepdims != 0) {
            b.node("Flatten", "flatten", "f", in("m"), i("axis", 1));
        }
        return b.node("Gemm", "fc", "y", in(keepdims != 0 ? "f" : "m", "fc.weight", "fc.bias"), i("transB", 1))
                .output("y", -1, 10).bytes();
    }

    @Test
    void spatialMeanImportsAsGlobalAveragePoolAndMatchesOnnxRuntime() {
        for (long keepdims : new long[] {0, 1}) {
            byte[] model = model(keepdims, 2, 3);
            Graph g = OnnxImporter.load(model);
            assertThat(g.nodes()).extracting(Node::opType).containsExactly("Conv", "Relu", "GlobalAveragePool", "Flatten", "Gemm");
            long[] xs = {5, 1, 8, 8};
            float[] x = Ort.random(7, xs);
            Ort.Output original = Ort.run(model, x, xs);
            Ort.Output ours = Ort.run(OnnxExporter.toBytes(g), x, xs);
            assertThat(ours.shape()).containsExactly(original.shape());
            assertThat(Ort.maxAbsDiff(original.values(), ours.values())).as("keepdims %d", keepdims).isLessThanOrEqualTo(1e-5);
        }
        assertThat(OnnxImporter.load(model(0, -1, -2)).nodes()).extracting(Node::opType).contains("GlobalAveragePool");
    }

    @Test
    void otherReductionsRunAsReduceMeanButNotOverTheBatch() {
        byte[] channels = OnnxModels.opset(13).input("x", -1, 3, 8, 8)
                .node("ReduceMean", "mean", "m", in("x"), ints("axes", 1, 3), i("keepdims", 0))
                .node("Flatten", "flatten", "y", in("m"), i("axis", 1)).output("y", -1, 8).bytes();
        assertThat(OnnxImporter.load(channels).nodes()).extracting(Node::opType).containsExactly("ReduceMean", "Flatten");
        assertThat(EngineParity.maxAbsDiff(channels, 9, 4, 3, 8, 8)).isLessThanOrEqualTo(1e-6);
        assertThatThrownBy(() -> OnnxImporter.load(model(1, 0)))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("ReduceMean 'mean': reduces the dynamic batch dimension (axis 0)");
    }

    @Test
    void aModelEndingInASpatialMeanQuantizesWithTheThreeImplementationsAgreeing() {
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(0).withBatchSize(32), 64);
        var report = QatJob.run(model(0, 2, 3), Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null).report();
        assertThat(report.agreement().simulationVsInt8Top1()).isGreaterThanOrEqualTo(0.99);
        assertThat(report.agreement().int8VsOrtTop1()).isGreaterThanOrEqualTo(0.99);
        assertThat(report.ortUsesIntegerKernels()).as("ORT kernels %s", report.ortKernels()).isTrue();
    }
}
