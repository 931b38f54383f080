package io.qforge.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.JobReport;
import io.qforge.engine.job.JobResult;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PyTorch-exported blocks of the torchvision CNNs (fixtures/cnn_ops, opsets 13 and 17) through a
 * whole job: their new ops run as integer kernels, shared encodings or float islands
 * (docs/QUANTIZATION-POLICY.md), and the simulation, the integer engine and ONNX Runtime agree.
 */
class CnnOpsQuantizationTest {

    @ParameterizedTest
    @ValueSource(strings = {"mbv3_block_opset13", "mbv3_block_opset17", "googlenet_pools_opset13",
            "googlenet_pools_opset17", "pad_block_opset13", "pad_block_opset17"})
    void aJobQuantizesTheBlockWithTheThreeImplementationsAgreeing(String name) throws Exception {
        byte[] model = Files.readAllBytes(Path.of("src/test/resources/fixtures/cnn_ops", name + ".onnx"));
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(1).withBatchSize(32), 64);
        JobReport r = QatJob.run(model, Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null).report();
        System.out.printf("CNNOPS %s: sim vs int8 %.4f (%.4f within 1 step), int8 vs ORT %.4f (%.4f), MAC share %s, islands %s%n",
                name, r.agreement().simulationVsInt8Top1(), r.agreement().simulationVsInt8Within1Lsb(),
                r.agreement().int8VsOrtTop1(), r.agreement().int8VsOrtWithin1Lsb(), r.integerMacShare(), r.floatIslands());
        assertThat(r.agreement().simulationVsInt8Top1()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.agreement().int8VsOrtTop1()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.integerMacShare()).as("ORT kernels %s", r.ortKernels()).isEqualTo(1.0);
    }

    /**
     * shufflenet's channel split: a Split whose two outputs are used separately (one straight into the
     * Concat, one through a branch) is one integer-engine layer with two outputs, both with the input's
     * encoding, and one Split between a DequantizeLinear and two QuantizeLinear in the exported file.
     */
    @ParameterizedTest
    @ValueSource(strings = {"shuffle_block_opset13", "shuffle_block_opset17"})
    void aSplitWithTwoUsedOutputsRunsThroughTheJobWithTheThreeImplementationsAgreeing(String name) throws Exception {
        byte[] model = Files.readAllBytes(Path.of("src/test/resources/fixtures/cnn_ops", name + ".onnx"));
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(1).withBatchSize(32), 64);
        JobResult result = QatJob.run(model, Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null);
        JobReport r = result.report();
        System.out.printf("CNNOPS %s: sim vs int8 %.4f (%.4f within 1 step), int8 vs ORT %.4f (%.4f), MAC share %s, islands %s%n",
                name, r.agreement().simulationVsInt8Top1(), r.agreement().simulationVsInt8Within1Lsb(),
                r.agreement().int8VsOrtTop1(), r.agreement().int8VsOrtWithin1Lsb(), r.integerMacShare(), r.floatIslands());
        assertThat(r.agreement().simulationVsInt8Top1()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.agreement().int8VsOrtTop1()).isGreaterThanOrEqualTo(0.99);

        GraphProto g = ModelProto.parseFrom(result.int8Model()).getGraph();
        NodeProto split = g.getNodeList().stream().filter(n -> n.getOpType().equals("Split")).findFirst().orElseThrow();
        NodeProto dq = producer(g, split.getInput(0));
        assertThat(dq.getOpType()).isEqualTo("DequantizeLinear");
        assertThat(split.getOutputCount()).isEqualTo(2);
        for (String out : split.getOutputList()) {
            List<NodeProto> consumers = g.getNodeList().stream().filter(n -> n.getInputList().contains(out)).toList();
            assertThat(consumers).extracting(NodeProto::getOpType).containsExactly("QuantizeLinear");
            for (int i = 1; i <= 2; i++) { // the input's scale and zero point: ORT drops the pair
                assertThat(initializer(g, consumers.get(0).getInput(i)).getRawData())
                        .isEqualTo(initializer(g, dq.getInput(i)).getRawData());
            }
        }
    }

    private static NodeProto producer(GraphProto g, String tensor) {
        return g.getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst().orElseThrow();
    }

    private static TensorProto initializer(GraphProto g, String name) {
        return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }
}
