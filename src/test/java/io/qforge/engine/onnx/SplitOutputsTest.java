package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import io.qforge.engine.Fixtures;
import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.export.QdqExporter;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.JobReport;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.train.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An op with several outputs through the whole pipeline: shufflenet_v2's channel split, a Split whose
 * two halves are used separately (one straight into the Concat, one through a Conv branch), then the
 * channel shuffle (Reshape, Transpose, Reshape). Split moves values, so both halves keep the input's
 * encoding (docs/QUANTIZATION-POLICY.md); the integer engine selects the integers, the exported file has
 * one Split between a DequantizeLinear and a QuantizeLinear per output.
 */
class SplitOutputsTest {

    static byte[] channelSplit() {
        return OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("c1.w", 8, 1, 3, 3).weight("c1.b", 8).weight("c2.w", 4, 4, 3, 3).weight("c2.b", 4)
                .weight("fc.w", 10, 8).weight("fc.b", 10)
                .longs("halves", new long[] {4, 4}, 2)
                .longs("grouped", new long[] {0, 2, 4, 8, 8}, 5).longs("merged", new long[] {0, 8, 8, 8}, 4)
                .node("Conv", "c1", "a", in("x", "c1.w", "c1.b"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "r1", "ar", in("a"))
                .node("Split", "split", in("ar", "halves"), in("left", "right"), i("axis", 1))
                .node("Conv", "c2", "b", in("right", "c2.w", "c2.b"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "r2", "br", in("b"))
                .node("Concat", "cat", "cat", in("left", "br"), i("axis", 1))
                .node("Reshape", "group", "g", in("cat", "grouped"))
                .node("Transpose", "shuffle", "t", in("g"), ints("perm", 0, 2, 1, 3, 4))
                .node("Reshape", "merge", "s", in("t", "merged"))
                .node("GlobalAveragePool", "gap", "p", in("s"))
                .node("Flatten", "flat", "fl", in("p"), i("axis", 1))
                .node("Gemm", "fc", "y", in("fl", "fc.w", "fc.b"), i("transB", 1))
                .output("y", -1, 10).bytes();
    }

    @Test
    void bothHalvesShareTheInputsEncodingInThePlan() {
        QatModel m = QatModel.prepare(OnnxImporter.load(channelSplit()), QuantConfig.defaults());
        Map<String, String> sources = m.plan().encodingSources();
        assertThat(sources.get("left")).isEqualTo(sources.get("ar")).isNotNull();
        assertThat(sources.get("right")).isEqualTo(sources.get("ar"));
        assertThat(m.plan().isQuantizedActivation("left")).isFalse();
        assertThat(m.plan().isQuantizedActivation("right")).isFalse();
    }

    @Test
    void theSplitIsOneLayerWithTwoOutputsSelectingTheIntegersExactlyAndOrtAgrees() throws OrtException {
        Graph g = OnnxImporter.load(channelSplit());
        Dataset data = Fixtures.dataset("digits");
        QatModel qat = QatModel.prepare(g, QuantConfig.defaults());
        Calibrator.calibrate(qat, data.xTrain(), 32, 4);
        IntModel im = IntModelConverter.convert(qat);
        IntLayer split = im.layers().stream().filter(l -> l.name().equals("split")).findFirst().orElseThrow();
        assertThat(split).isInstanceOf(IntLayer.FloatIsland.class);
        assertThat(split.outputs()).containsExactly("left", "right");
        QuantParams enc = im.encoding("ar");
        assertThat(im.encoding("left")).isEqualTo(enc);
        assertThat(im.encoding("right")).isEqualTo(enc);

        INDArray x = data.xTest().get(NDArrayIndex.interval(0, 64));
        Map<String, INDArray> ints = new IntExecutor(im).runAll(x);
        INDArray q = ints.get("ar");
        assertThat(ints.get("left").equals(q.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 4)).dup())).isTrue();
        assertThat(ints.get("right").equals(q.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 8)).dup())).isTrue();

        // the simulation's halves, quantized with their (shared) encoding, are the engine's integers
        Executor.Pass sim = qat.float64Executor().forward(x.castTo(DataType.DOUBLE), false, false);
        for (String half : List.of("left", "right", "br", "cat")) {
            INDArray s = QuantPrimitives.quantize(sim.value(half), im.encoding(half));
            assertThat(s.castTo(DataType.INT).equals(ints.get(half).castTo(DataType.INT))).as(half).isTrue();
        }

        byte[] qdq = QdqExporter.toBytes(im);
        INDArray engine = new IntExecutor(im).run(x);
        try (OrtRunner r = new OrtRunner(qdq)) {
            INDArray ort = r.run(x).castTo(DataType.FLOAT);
            double step = im.encoding(im.quantizedOutput()).scale(0);
            double maxDiff = Transforms.abs(ort.sub(engine)).maxNumber().doubleValue();
            assertThat(maxDiff).as("ORT vs integer engine: within one output step").isLessThanOrEqualTo(step * 1.001);
        }
    }

    @Test
    void aQatJobOnTheChannelSplitCompletesWithTheThreeImplementationsAgreeing() {
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(1).withBatchSize(32), 64);
        JobReport r = QatJob.run(channelSplit(), Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null)
                .report();
        assertThat(r.agreement().simulationVsInt8Top1()).isEqualTo(1.0);
        assertThat(r.agreement().int8VsOrtTop1()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.integerMacShare()).as("ORT kernels %s", r.ortKernels()).isEqualTo(1.0);
        assertThat(r.floatIslands()).contains(new JobReport.FloatIsland("split", "Split"));
    }
}
