package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.f;
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
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.export.QdqExporter;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
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
import io.qforge.engine.quant.QuantUnit;
import io.qforge.engine.train.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Float islands (QUANTIZATION-POLICY.md): an op without an integer kernel runs in float between
 * DequantizeLinear and QuantizeLinear in the integer engine and in the exported file, everything
 * around it stays integer, and the simulation, the integer engine and ONNX Runtime agree on it.
 */
class FloatIslandTest {

    /**
     * densenet's pre-activation pattern: Conv, Conv -> Concat -> BatchNormalization -> Relu -> Conv
     * -> Relu -> GlobalAveragePool -> Flatten -> Gemm. The BatchNormalization cannot be folded into a
     * Conv (it follows a Concat).
     */
    static byte[] densenetLike() {
        return OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("c1.w", 4, 1, 3, 3).weight("c1.b", 4).weight("c2.w", 4, 1, 3, 3).weight("c2.b", 4)
                .positive("bn.scale", 8).weight("bn.bias", 8).weight("bn.mean", 8).positive("bn.var", 8)
                .weight("c3.w", 6, 8, 3, 3).weight("c3.b", 6).weight("fc.w", 10, 6).weight("fc.b", 10)
                .node("Conv", "c1", "a", in("x", "c1.w", "c1.b"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "r1", "ar", in("a"))
                .node("Conv", "c2", "b", in("x", "c2.w", "c2.b"), ints("pads", 1, 1, 1, 1))
                .node("Concat", "cat", "cat", in("ar", "b"), i("axis", 1))
                .node("BatchNormalization", "norm", "n", in("cat", "bn.scale", "bn.bias", "bn.mean", "bn.var"),
                        f("epsilon", 1e-5f))
                .node("Relu", "r2", "nr", in("n"))
                .node("Conv", "c3", "c", in("nr", "c3.w", "c3.b"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "r3", "cr", in("c"))
                .node("GlobalAveragePool", "gap", "g", in("cr"))
                .node("Flatten", "flat", "fl", in("g"), i("axis", 1))
                .node("Gemm", "fc", "y", in("fl", "fc.w", "fc.b"), i("transB", 1))
                .output("y", -1, 10).bytes();
    }

    /** A Softmax inside the graph (not the final one) and a Mul by a constant: two more islands. */
    static byte[] softmaxInside() {
        return OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("c1.w", 4, 1, 3, 3).weight("c1.b", 4).positive("k", 1, 4, 1, 1)
                .weight("fc1.w", 16, 256).weight("fc1.b", 16).weight("fc2.w", 10, 16).weight("fc2.b", 10)
                .node("Conv", "c1", "a", in("x", "c1.w", "c1.b"), ints("pads", 1, 1, 1, 1))
                .node("Mul", "scale", "m", in("a", "k"))
                .node("Flatten", "flat", "fl", in("m"), i("axis", 1))
                .node("Gemm", "fc1", "h", in("fl", "fc1.w", "fc1.b"), i("transB", 1))
                .node("Softmax", "attn", "p", in("h"), i("axis", 1))
                .node("Gemm", "fc2", "y", in("p", "fc2.w", "fc2.b"), i("transB", 1))
                .output("y", -1, 10).bytes();
    }

    /** googlenet/inception pooling: AveragePool with ceil_mode=1 (a partial last window) has no integer kernel here. */
    @Test
    void anAveragePoolWithCeilModeIsAFloatIslandAndTheJobAgrees() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .weight("c1.w", 4, 1, 3, 3).weight("c1.b", 4).weight("fc.w", 10, 64).weight("fc.b", 10)
                .node("Conv", "c1", "a", in("x", "c1.w", "c1.b"), ints("pads", 1, 1, 1, 1))
                .node("Relu", "r1", "ar", in("a"))
                .node("AveragePool", "pool", "p", in("ar"), ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        i("ceil_mode", 1))
                .node("Flatten", "flat", "fl", in("p"), i("axis", 1))
                .node("Gemm", "fc", "y", in("fl", "fc.w", "fc.b"), i("transB", 1))
                .output("y", -1, 10).bytes();
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(0).withBatchSize(32), 64);
        JobReport r = QatJob.run(model, Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null).report();
        assertThat(r.floatIslands()).containsExactly(new JobReport.FloatIsland("pool", "AveragePool"));
        assertThat(r.agreement().simulationVsInt8Top1()).isEqualTo(1.0);
        assertThat(r.agreement().int8VsOrtTop1()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.integerMacShare()).isEqualTo(1.0);
    }

    @Test
    void aStandaloneBatchNormIsAFloatIslandBetweenIntegerConvs() {
        Graph g = OnnxImporter.load(densenetLike());
        QatModel m = QatModel.prepare(g, QuantConfig.defaults());
        List<QuantUnit> islands = m.plan().units().stream().filter(u -> u instanceof QuantUnit.FloatIsland).toList();
        assertThat(islands).singleElement().satisfies(u -> {
            assertThat(u.head().name()).isEqualTo("norm");
            assertThat(u.nodes()).extracting(n -> n.opType()).containsExactly("BatchNormalization", "Relu");
        });
        assertThat(m.plan().isQuantizedActivation("cat")).isTrue();
        assertThat(m.plan().isQuantizedActivation("nr")).isTrue();
    }

    @Test
    void islandsAreBitExactWithTheSimulationAndWithinOneStepOfOnnxRuntime() throws OrtException {
        for (byte[] model : List.of(densenetLike(), softmaxInside())) {
            Graph g = OnnxImporter.load(model);
            Dataset data = Fixtures.dataset("digits");
            QatModel qat = QatModel.prepare(g, QuantConfig.defaults());
            Calibrator.calibrate(qat, data.xTrain(), 32, 4);
            IntModel full = IntModelConverter.convert(qat);
            List<IntLayer.FloatIsland> islands = full.layers().stream()
                    .filter(l -> l instanceof IntLayer.FloatIsland).map(l -> (IntLayer.FloatIsland) l).toList();
            assertThat(islands).isNotEmpty();
            INDArray x = data.xTest().get(NDArrayIndex.interval(0, 128));
            io.qforge.engine.exec.Executor.Pass sim = qat.executor().forward(x, false, false);
            for (IntLayer.FloatIsland island : islands) {
                String in = island.inputs().get(0);
                assertThat(island.inputs()).as("island %s reads one activation", island.name()).hasSize(1);
                // the island alone, fed the simulation's (fake-quantized) input
                IntModel alone = new IntModel("island", in, g.shapes().get(in), List.of(island),
                        Map.of(in, full.encoding(in), island.output(), full.encoding(island.output())),
                        island.output(), island.output(), -1);
                INDArray simIn = sim.value(in);
                INDArray engine = new IntExecutor(alone).quantizedOutput(simIn).castTo(DataType.INT);
                QuantParams outEnc = full.encoding(island.output());
                INDArray simOut = QuantPrimitives.quantize(sim.value(island.output()), outEnc).castTo(DataType.INT);
                assertThat(engine.equals(simOut)).as("island %s: integer engine == simulation, every value",
                        island.name()).isTrue();
                float[] ort;
                try (OrtRunner r = new OrtRunner(QdqExporter.toBytes(alone))) {
                    ort = r.run(simIn).castTo(DataType.FLOAT).data().asFloat();
                }
                int[] q = engine.data().asInt();
                int off = 0;
                for (int k = 0; k < q.length; k++) {
                    double steps = Math.rint(ort[k] / outEnc.scale(0)) + outEnc.zeroPoint(0);
                    off += Math.abs(steps - q[k]) > 1 ? 1 : 0;
                }
                assertThat(off).as("island %s: ORT values more than one step from the engine", island.name()).isZero();
            }
        }
    }

    /**
     * A value-moving op without an integer layer of its own runs as an island with its input's
     * encoding on both sides: that is an exact integer selection (here MaxPool, compared with the
     * integer MaxPool kernel).
     */
    @Test
    void aValueMovingOpAsAnIslandWithOneEncodingIsAnExactIntegerSelection() {
        QuantParams p = QuantPrimitives.chooseAsymmetric(-1.5, 2.5, 8);
        long[] shape = {-1, 2, 6, 6};
        Node pool = new Node("mp", "MaxPool", List.of("x"), List.of("y"),
                Map.of("kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2}, "pads", new long[4],
                        "dilations", new long[] {1, 1}));
        IntModel island = new IntModel("island", "x", shape,
                List.of(new IntLayer.FloatIsland("mp", List.of(pool), List.of("x"), "y", Map.of())),
                Map.of("x", p, "y", p), "y", "y", -1);
        IntModel kernel = new IntModel("kernel", "x", shape, List.of(new IntLayer.MaxPool("mp", "x", "y",
                new long[] {2, 2}, new long[] {2, 2}, new long[4], new long[] {1, 1})), Map.of("x", p, "y", p), "y", "y", -1);
        INDArray x = org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 16, 2, 6, 6).muli(5).subi(2.5);
        INDArray a = new IntExecutor(island).quantizedOutput(x);
        assertThat(a.equals(new IntExecutor(kernel).quantizedOutput(x))).isTrue();
        assertThat(a.castTo(DataType.INT).data().asInt()).contains(p.qmin(), p.qmax()); // saturated values too
    }

    @Test
    void aJobOnTheDensenetPatternCompletesWithTheThreeImplementationsAgreeing() {
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(1).withBatchSize(32), 64);
        JobReport r = QatJob.run(densenetLike(), Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null)
                .report();
        assertThat(r.agreement().simulationVsInt8Top1()).isEqualTo(1.0);
        assertThat(r.agreement().int8VsOrtTop1()).isEqualTo(1.0);
        assertThat(r.ortUsesIntegerKernels()).as("ORT kernels %s", r.ortKernels()).isTrue();
        assertThat(r.floatIslands()).containsExactly(new JobReport.FloatIsland("norm", "BatchNormalization"));
        assertThat(r.integerMacShare()).as("every Conv/Gemm around the island is integer").isEqualTo(1.0);
    }
}
