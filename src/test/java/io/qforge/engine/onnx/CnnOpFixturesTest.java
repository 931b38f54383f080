package io.qforge.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.train.Adam;
import io.qforge.engine.train.SoftmaxCrossEntropy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One small PyTorch export per op family of torchvision's CNNs (fixtures/cnn_ops, made by
 * {@code scripts/make_fixtures.py --cnn-ops}), opsets 13 and 17: each imports with its ops kept,
 * the engine's FP32 forward matches ONNX Runtime on the original file (max |diff| <= 1e-4), the
 * graph exported back to opset-13 ONNX runs the same in ONNX Runtime, and
 * FP32 training steps on a batch of digits keep every gradient finite and lower the loss.
 */
class CnnOpFixturesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "mbv3_block_opset13.onnx;      HardSigmoid Mul GlobalAveragePool Add Gemm",
        "mbv3_block_opset17.onnx;      HardSwish HardSigmoid Mul GlobalAveragePool Gemm",
        "shuffle_block_opset13.onnx;   Sub Div Split Transpose Reshape Gather Unsqueeze Slice Neg ReduceSum Softmax ReduceMean Squeeze",
        "shuffle_block_opset17.onnx;   Sub Div Split Transpose Reshape Gather Unsqueeze Slice Neg ReduceSum Softmax ReduceMean Squeeze",
        "googlenet_pools_opset13.onnx; MaxPool AveragePool Concat",
        "googlenet_pools_opset17.onnx; MaxPool AveragePool Concat",
        "pad_block_opset13.onnx;       Pad Conv MaxPool",
        "pad_block_opset17.onnx;       Pad Conv MaxPool",
    })
    void importsMatchesOnnxRuntimeAndTrains(String file, String ops) {
        byte[] bytes = FixtureImportTest.fixture("cnn_ops/" + file);
        Graph g = OnnxImporter.load(bytes);
        Set<String> types = g.nodes().stream().map(Node::opType).collect(Collectors.toSet());
        assertThat(types).containsAll(List.of(ops.trim().split(" ")));
        assertThat(g.outputs().get(0).shape()).containsExactly(-1, 10);
        if (file.startsWith("googlenet")) { // ceil_mode kept where it changes the size; the counted Pad folded
            assertThat(types).doesNotContain("Pad");
            assertThat(g.nodes().stream().filter(n -> n.opType().equals("MaxPool")).mapToLong(n -> n.attrInt("ceil_mode", 0)).max())
                    .hasValue(1);
        }
        if (file.startsWith("pad_block")) { // reflect, edge, constant 0.5 and the zero pad before MaxPool stay
            assertThat(g.nodes().stream().filter(n -> n.opType().equals("Pad")).map(n -> n.attrString("mode", "")))
                    .containsExactlyInAnyOrder("reflect", "edge", "constant", "constant");
        }

        // ORT unoptimized: its PadFusion would merge pad_block's zero Pad into the MaxPool (see Ort#run)
        double diff = EngineParity.maxAbsDiff(bytes, !file.startsWith("pad_block"), file.hashCode(), 16, 1, 8, 8);
        System.out.printf("FIXTURE %-30s FP32 max |engine - ORT| %.2e%n", file, diff);
        assertThat(diff).isLessThanOrEqualTo(1e-4);

        // the imported graph written back as opset-13 ONNX (HardSwish as HardSigmoid + Mul) runs the same in ORT
        long[] xs = {5, 1, 8, 8};
        float[] x5 = Ort.random(7, xs);
        boolean optimized = !file.startsWith("pad_block");
        double exported = Ort.maxAbsDiff(Ort.run(bytes, x5, xs, optimized).values(),
                Ort.run(OnnxExporter.toBytes(g), x5, xs, optimized).values());
        assertThat(exported).as("%s: FP32 export round trip", file).isLessThanOrEqualTo(1e-5);

        Dataset d = Fixtures.dataset("digits");
        INDArray x = d.xTrain().get(NDArrayIndex.interval(0, 64)).dup('c');
        int[] y = Arrays.copyOf(d.yTrain(), 64);
        Executor exec = new Executor(g);
        Map<String, INDArray> params = new HashMap<>();
        exec.trainableParameters().forEach(p -> params.put(p, g.initializer(p)));
        assertThat(params).isNotEmpty();
        Adam adam = new Adam(0.9, 0.999, 1e-8, 0);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 25; step++) {
            Executor.Pass pass = exec.forward(x, true, false);
            SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(pass.value(exec.logitsName()), y);
            Map<String, INDArray> grads = exec.backward(pass, ce.gradient());
            assertThat(grads.keySet()).as("%s: every parameter gets a gradient", file).containsAll(params.keySet());
            for (var e : grads.entrySet()) {
                double sum = e.getValue().sumNumber().doubleValue() + e.getValue().norm2Number().doubleValue();
                assertThat(Double.isFinite(sum)).as("%s: gradient of %s is finite", file, e.getKey()).isTrue();
            }
            if (step == 0) {
                first = ce.loss();
            }
            last = ce.loss();
            adam.step(params, grads, 1e-2);
        }
        System.out.printf("FIXTURE %-30s loss %.4f -> %.4f after 25 Adam steps%n", file, first, last);
        assertThat(last).as("%s: training lowers the loss", file).isLessThan(first - 0.05);
    }
}
