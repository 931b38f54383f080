package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report's integer MAC share: MACs counted from the export's shapes, each Conv/Gemm found in
 * ONNX Runtime's optimized graph by its INT8 weight initializer, integer or float kernel.
 */
class IntegerMacShareTest {

    @Test
    void macsAreCountedFromTheExportedShapes() {
        IntModel m = QdqClampTest.reluWithNegativeRange(); // conv1 1->4 3x3 pad 1 on 8x8, flatten, fc 256->10
        Map<String, Long> macs = QdqExporter.export(m).macs();
        assertThat(macs).containsOnlyKeys("conv1.weight", "fc.weight");
        assertThat(macs.get("conv1.weight")).isEqualTo(4L * 1 * 3 * 3 * 8 * 8);
        assertThat(macs.get("fc.weight")).isEqualTo(256L * 10);
    }

    @Test
    void everyMacRunsInIntegerKernelsWhenOrtFusesEveryConvAndGemm() {
        QdqExporter.Exported e = QdqExporter.export(QdqClampTest.reluWithNegativeRange());
        KernelReport k = OrtKernelCheck.check(e.bytes());
        assertThat(k.usesIntegerKernels()).as(k.toString()).isTrue();
        assertThat(k.integerMacShare(e.macs())).isEqualTo(1.0);
    }

    @Test
    void aConvOrtLeavesInFloatCountsAsFloat() {
        // a float clip before QuantizeLinear keeps ORT from fusing the conv (QdqClampTest): only fc is integer
        QdqExporter.Exported e = QdqExporter.export(QdqClampTest.reluWithNegativeRange(), QdqClampTest.FLOAT_CLIP);
        KernelReport k = OrtKernelCheck.check(e.bytes());
        assertThat(k.floatKernels()).isNotEmpty();
        long conv = e.macs().get("conv1.weight");
        long fc = e.macs().get("fc.weight");
        assertThat(k.integerMacShare(e.macs())).isEqualTo((double) fc / (conv + fc));
    }

    @Test
    void int8ActivationsOnAFanOutRunInFloatUnlessOrtIsAllowedInt8() {
        QdqExportOptions int8 = QdqExportOptions.DEFAULT.withActivations(ActivationType.INT8);
        Net n = new Net("residual", "x", new long[] {-1, 2, 6, 6}, OrtRun.random(3, 1.0, 16, 2, 6, 6), 8, 8, 5);
        String a = n.conv("a", "x", 4, 3, 1, 1, 1, IntLayer.Clip.RELU);
        String b = n.conv("b", a, 4, 3, 1, 1, 1, IntLayer.Clip.NONE);
        n.add("add", a, b, IntLayer.Clip.RELU);
        QdqExporter.Exported e = QdqExporter.export(n.build(false, null), int8);
        assertThat(OrtKernelCheck.check(e.bytes()).integerMacShare(e.macs())).isEqualTo(0.0);
        assertThat(OrtKernelCheck.check(e.bytes(), Map.of("session.qdqisint8allowed", "1")).integerMacShare(e.macs()))
                .isEqualTo(1.0);
    }

    @Test
    void noLinearOpMeansNoShare() {
        assertThat(new KernelReport(Map.of(), Map.of()).integerMacShare(Map.of())).isNull();
    }
}
