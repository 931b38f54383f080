package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import org.junit.jupiter.api.Test;

class QdqExporterTest {

    static final IntLayer.Clip RELU6 = new IntLayer.Clip(0, 6);

    static Net lenet(int actBits, int weightBits, boolean reshape) {
        T calib = OrtRun.random(1, 1.0, 16, 1, 8, 8);
        Net n = new Net("lenet", "input", new long[] {-1, 1, 8, 8}, calib, actBits, weightBits, 42);
        String c = n.conv("conv1", "input", 4, 3, 1, 1, 1, IntLayer.Clip.RELU);
        String p = n.maxPool("pool1", c, 2, 2);
        String f = reshape ? n.reshape("reshape", p, 0, -1) : n.flatten("flatten", p);
        String g = n.gemm("fc1", f, 16, IntLayer.Clip.RELU);
        n.gemm("fc2", g, 10, IntLayer.Clip.NONE);
        return n;
    }

    @Test
    void lenetRunsWithIntegerKernels() {
        IntModel m = lenet(8, 8, false).build(false, null);
        QdqCheck.Result r = QdqCheck.run("lenet", m, OrtRun.random(7, 1.0, 32, 1, 8, 8));
        assertThat(r.kernels().usesIntegerKernels()).as(r.kernels().toString()).isTrue();
    }
}
