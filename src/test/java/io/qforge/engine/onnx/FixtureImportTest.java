package io.qforge.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PyTorch-exported fixtures (src/test/resources/fixtures, made by scripts/make_fixtures.py):
 * each imports without problems, keeps its ops, infers [-1, classes] and exports to a model that
 * ONNX Runtime runs with the same outputs as the original file.
 */
class FixtureImportTest {

    static byte[] fixture(String file) {
        try (InputStream in = FixtureImportTest.class.getResourceAsStream("/fixtures/" + file)) {
            assertThat(in).as("fixture " + file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "lenet_bn.onnx;          1 1 8 8; 10; 2; Conv BatchNormalization Relu MaxPool Reshape Gemm",
        "lenet_bn_opset11.onnx;  1 1 8 8; 10; 2; Conv BatchNormalization Relu MaxPool Reshape Gemm",
        "dwsep_relu6.onnx;       1 1 8 8; 10; 4; Conv BatchNormalization Clip GlobalAveragePool Flatten Gemm",
        "resnet_add.onnx;        1 1 8 8; 10; 5; Conv BatchNormalization Relu Add AveragePool Flatten Gemm",
        "mlp.onnx;               30;      2;  0; Gemm Relu Sigmoid",
        "ops_zoo.onnx;           1 1 8 8; 10; 0; Conv Concat Sigmoid Mul Flatten MatMul Add Softmax",
    })
    void importsKeepsOpsAndRoundTripsThroughOnnxRuntime(String file, String sampleDims, int classes, int batchNorms,
                                                        String ops) {
        byte[] bytes = fixture(file);
        Graph g = OnnxImporter.load(bytes);

        assertThat(g.outputs()).hasSize(1);
        assertThat(g.outputs().get(0).shape()).containsExactly(-1, classes);
        Map<String, Long> counts = g.nodes().stream().collect(Collectors.groupingBy(Node::opType, Collectors.counting()));
        assertThat(counts.keySet()).containsAll(List.of(ops.trim().split(" ")));
        assertThat(counts.getOrDefault("BatchNormalization", 0L)).isEqualTo(batchNorms);
        assertThat(counts.keySet()).doesNotContain("Shape", "Gather", "Unsqueeze", "Constant", "Dropout");
        for (Node n : g.nodes()) {
            if (n.opType().equals("Reshape")) { // x.view(x.size(0), -1): the batch entry became 0 (copy)
                assertThat(g.initializer(n.input(1)).toLongVector()).containsExactly(0, -1);
            }
            if (n.opType().equals("Clip")) { // ReLU6 bounds from Constant nodes became scalar initializers
                assertThat(g.initializer(n.input(1)).rank()).isZero();
                assertThat(g.initializer(n.input(2)).getDouble(0)).isEqualTo(6.0);
            }
            for (String out : n.outputs()) {
                assertThat(g.shapes()).as("shape of " + out).containsKey(out);
            }
        }

        long[] perSample = Arrays.stream(sampleDims.trim().split(" ")).mapToLong(Long::parseLong).toArray();
        long batch = 7;
        long[] xs = perSample.clone();
        xs[0] = batch;
        if (perSample.length == 1) {
            xs = new long[] {batch, perSample[0]};
        }
        assertThat(g.inputs().get(0).shape()).containsExactly(withDynamicBatch(xs));
        float[] x = Ort.random(file.hashCode(), xs);
        Ort.Output original = Ort.run(bytes, x, xs);
        Ort.Output exported = Ort.run(OnnxExporter.toBytes(g), x, xs);
        assertThat(original.shape()).containsExactly(Ort.withBatch(g.outputs().get(0).shape(), batch));
        assertThat(exported.shape()).containsExactly(original.shape());
        assertThat(Ort.maxAbsDiff(original.values(), exported.values())).isLessThanOrEqualTo(1e-5);
    }

    private static long[] withDynamicBatch(long[] xs) {
        long[] s = xs.clone();
        s[0] = -1;
        return s;
    }
}
