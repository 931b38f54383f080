package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import org.junit.jupiter.api.Test;

class QdqSizeTest {

    /**
     * A LeNet-style network on 28x28 inputs (conv 1->8, pool, conv 8->16, pool, fc 784->64, fc
     * 64->10, softmax; ~52k parameters). Compared: the serialized bytes of the QDQ model against the
     * serialized bytes of the FP32 ONNX model of the same network (same ops, float32 weights and
     * biases, no quantizers), both written by OnnxModelBuilder with raw_data initializers.
     */
    @Test
    void int8FileIsAtMostThreeTenthsOfTheFp32File() {
        T calib = OrtRun.random(1, 1.0, 8, 1, 28, 28);
        Net n = new Net("lenet28", "input", new long[] {-1, 1, 28, 28}, calib, 8, 8, 11);
        String c1 = n.conv("conv1", "input", 8, 3, 1, 1, 1, IntLayer.Clip.RELU);
        String p1 = n.maxPool("pool1", c1, 2, 2);
        String c2 = n.conv("conv2", p1, 16, 3, 1, 1, 1, IntLayer.Clip.RELU);
        String p2 = n.maxPool("pool2", c2, 2, 2);
        String f1 = n.gemm("fc1", n.flatten("flatten", p2), 64, IntLayer.Clip.RELU);
        n.gemm("fc2", f1, 10, IntLayer.Clip.NONE);
        IntModel m = n.build(true, "probs");

        byte[] fp32 = Fp32Counterpart.toBytes(m, new long[] {-1, 10});
        byte[] int8 = QdqExporter.toBytes(m);
        double ratio = int8.length / (double) fp32.length;
        System.out.printf("[qdq] size: FP32 %d bytes, QDQ INT8 %d bytes, ratio %.3f%n", fp32.length, int8.length, ratio);
        assertThat(ratio).isLessThanOrEqualTo(0.3);

        // the two files are the same network: the INT8 model's top-1 agrees with the FP32 one
        T x = OrtRun.random(3, 1.0, 64, 1, 28, 28);
        int[] a = QdqExporterTest.argmax(OrtRun.run(fp32, x, OptLevel.ALL_OPT));
        int[] b = QdqExporterTest.argmax(OrtRun.run(int8, x, OptLevel.ALL_OPT));
        System.out.printf("[qdq] size model: FP32 vs INT8 top-1 agreement %.3f%n", QdqExporterTest.agreement(a, b));
        assertThat(QdqExporterTest.agreement(a, b)).isGreaterThanOrEqualTo(0.9);
        assertThat(OrtKernelCheck.check(int8).usesIntegerKernels()).isTrue();
    }
}
