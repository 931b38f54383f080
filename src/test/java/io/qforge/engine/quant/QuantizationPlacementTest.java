package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.train.Evaluator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class QuantizationPlacementTest {

    @Test
    void lenetGetsInputWeightsAndUnitOutputsButNothingAfterMaxPoolOrReshape() {
        QatModel m = QatModel.prepare(Fixtures.LENET.graph(), QuantConfig.defaults());
        assertThat(m.plan().activations()).containsExactly("input", "/Relu_output_0", "/Relu_1_output_0",
                "/Relu_2_output_0", "logits");
        assertThat(m.plan().weights()).containsExactly(Map.entry("conv1.weight", 0), Map.entry("conv2.weight", 0),
                Map.entry("fc1.weight", 0), Map.entry("fc2.weight", 0));
        assertThat(m.quantizers()).hasSize(9);
        assertThat(m.plan().encodingSources()).containsEntry("/MaxPool_output_0", "/Relu_output_0")
                .containsEntry("/MaxPool_1_output_0", "/Relu_1_output_0")
                .containsEntry("/Reshape_output_0", "/Relu_1_output_0");
        Map<String, String> producerOfFakeQuantInput = fakeQuantInputs(m.graph());
        assertThat(producerOfFakeQuantInput.values()).doesNotContain("MaxPool", "Reshape", "BatchNormalization");
        assertThat(count(m.graph(), QatOpTypes.BN_FOLD_FACTOR)).isEqualTo(2);
        assertThat(m.graph().outputs().get(0).name()).isEqualTo("logits");
    }

    @Test
    void dwsepQuantizesClipOutputsAndThePoolButNotFlatten() {
        QatModel m = QatModel.prepare(Fixtures.DWSEP.graph(), QuantConfig.defaults());
        String f = "/features/features.";
        assertThat(m.plan().activations()).containsExactly("input", f + "0/features.0.2/Clip_output_0",
                f + "1/features.1.2/Clip_output_0", f + "2/features.2.2/Clip_output_0",
                f + "3/features.3.2/Clip_output_0", "/pool/GlobalAveragePool_output_0", "logits");
        assertThat(m.plan().weights()).hasSize(5).containsValues(0);
        assertThat(m.plan().encodingSources()).containsEntry("/Flatten_output_0", "/pool/GlobalAveragePool_output_0");
    }

    @Test
    void resnetQuantizesBothAddInputsOnceAndTheAddReluOutput() {
        QatModel m = QatModel.prepare(Fixtures.RESNET.graph(), QuantConfig.defaults());
        assertThat(m.plan().activations()).containsExactly("input", "/stem/stem.2/Relu_output_0", "/Relu_output_0",
                "/b_bn2/BatchNormalization_output_0", "/Relu_1_output_0", "/down/down.2/Relu_output_0",
                "/dil/dil.2/Relu_output_0", "/pool/AveragePool_output_0", "logits");
        assertThat(m.plan().weights()).hasSize(6);
        assertThat(count(m.graph(), QatOpTypes.BN_FOLD_FACTOR)).isEqualTo(5);
    }

    @Test
    void mlpQuantizesGemmOutputsAndSigmoid() {
        QatModel m = QatModel.prepare(Fixtures.MLP.graph(), QuantConfig.defaults());
        assertThat(m.plan().activations()).containsExactly("input", "/Relu_output_0", "/fc2/Gemm_output_0",
                "/Sigmoid_output_0", "logits");
        assertThat(m.plan().weights()).containsOnlyKeys("fc1.weight", "fc2.weight", "fc3.weight");
    }

    @Test
    void opsZooKeepsTheSoftmaxFloatAndQuantizesMatMulWeightOnItsOutputAxis() {
        QatModel m = QatModel.prepare(Fixtures.OPS_ZOO.graph(), QuantConfig.defaults());
        assertThat(m.plan().activations()).containsExactly("input", "/branch_a/Conv_output_0",
                "/branch_b/Conv_output_0", "/Concat_output_0", "/Sigmoid_output_0", "/Mul_output_0", "/Add_output_0");
        assertThat(m.plan().weights()).containsEntry("weight", 1).containsEntry("branch_a.weight", 0);
        assertThat(m.plan().units().get(m.plan().units().size() - 1)).isInstanceOf(QuantUnit.FloatTail.class);
        assertThat(m.executor().logitsName()).isEqualTo("/Add_output_0");
    }

    @Test
    void preparedGraphWithFakeQuantOffComputesTheFp32FunctionAndLeavesTheFp32GraphAlone() {
        for (Fixtures.Model fx : Fixtures.all()) {
            Graph fp32 = fx.graph();
            Map<String, INDArray> before = fp32.initializers().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().dup()));
            Dataset data = fx.data();
            QatModel m = QatModel.prepare(fp32, QuantConfig.defaults());
            m.setObserversEnabled(false);
            INDArray x = data.xTest();
            INDArray expected = Evaluator.predictAll(new Executor(fp32), x, 128);
            INDArray actual = Evaluator.predictAll(m.executor(), x, 128);
            double err = actual.sub(expected).amaxNumber().doubleValue();
            System.out.printf("PLACEMENT %-18s quantizers %2d, nodes %2d -> %2d, max |qat(fq off) - fp32| = %.2e%n",
                    fx, m.quantizers().size(), fp32.nodes().size(), m.graph().nodes().size(), err);
            assertThat(err).as(fx.name()).isLessThan(1e-4 * Math.max(1, expected.amaxNumber().doubleValue()));
            before.forEach((k, v) -> assertThat(fp32.initializer(k)).as(k).isEqualTo(v));
            assertThat(m.graph().initializers().values()).allSatisfy(a ->
                    assertThat(fp32.initializers().values()).noneMatch(o -> o == a));
        }
    }

    private static Map<String, String> fakeQuantInputs(Graph g) {
        Map<String, String> producer = g.nodes().stream().flatMap(n -> n.outputs().stream().map(o -> Map.entry(o, n)))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().opType()));
        List<Node> fqs = g.nodes().stream().filter(n -> n.opType().equals(QatOpTypes.FAKE_QUANT)).toList();
        return fqs.stream().filter(n -> producer.containsKey(n.input(0)))
                .collect(Collectors.toMap(Node::name, n -> producer.get(n.input(0))));
    }

    private static long count(Graph g, String type) {
        return g.nodes().stream().filter(n -> n.opType().equals(type)).count();
    }
}
