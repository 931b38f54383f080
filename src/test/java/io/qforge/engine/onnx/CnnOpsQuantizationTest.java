package io.qforge.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.Fixtures;
import io.qforge.engine.convert.ConversionException;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.JobReport;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** shufflenet's channel split has two outputs; an integer layer has one (not converted yet: the job says so). */
    @ParameterizedTest
    @ValueSource(strings = {"shuffle_block_opset13", "shuffle_block_opset17"})
    void aSplitWithTwoUsedOutputsIsRefusedAtConversionNamingTheNode(String name) throws Exception {
        byte[] model = Files.readAllBytes(Path.of("src/test/resources/fixtures/cnn_ops", name + ".onnx"));
        var spec = new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults().withEpochs(0).withBatchSize(32), 64);
        assertThatThrownBy(() -> QatJob.run(model, Fixtures.dataset("digits"), spec, JobListener.NONE, () -> false, null))
                .isInstanceOf(ConversionException.class).hasMessageContaining("(Split)")
                .hasMessageContaining("an integer layer has one output");
    }
}
