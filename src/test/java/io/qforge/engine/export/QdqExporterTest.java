package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.onnx.OnnxImporter;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;

/**
 * Hand-built integer models exported to QDQ (default options: uint8 activations, int8 weights)
 * and run in ONNX Runtime 1.29: outputs against the float64 QDQ reference, and the kernels ORT's
 * optimized graph really uses.
 */
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

    static T lenetInput() {
        return OrtRun.random(7, 1.0, 32, 1, 8, 8);
    }

    @Test
    void lenetWithFlattenRunsOnIntegerKernels() {
        IntModel m = lenet(8, 8, false).build(false, null);
        KernelReport k = QdqCheck.run("lenet/flatten", m, lenetInput()).kernels();
        assertThat(k.usesIntegerKernels()).as(k.toString()).isTrue();
        assertThat(k.optimized("QLinearConv")).isEqualTo(1);
        assertThat(k.optimized("QGemm")).isEqualTo(2);
        // the ReLUs were absorbed by the output quantizers (zero point at the range minimum)
        assertThat(k.optimized("Relu")).isZero();
        assertThat(k.optimized("MaxPool") + k.optimized("NhwcMaxPool")).as("8-bit max pool").isEqualTo(1);
        assertThat(k.optimized("DequantizeLinear")).as("only the exit").isEqualTo(1);
        assertThat(k.optimized("QuantizeLinear")).as("only the entrance").isEqualTo(1);
    }

    @Test
    void lenetWithReshapeAndSoftmaxRunsOnIntegerKernels() {
        IntModel logits = lenet(8, 8, true).build(false, null);
        IntModel probs = lenet(8, 8, true).build(true, "probs");
        T x = lenetInput();
        QdqCheck.Result r = QdqCheck.run("lenet/reshape+softmax", probs, x);
        assertThat(r.kernels().usesIntegerKernels()).as(r.kernels().toString()).isTrue();
        assertThat(r.kernels().optimized("Reshape")).isEqualTo(1);
        assertThat(r.kernels().optimized("Softmax")).isEqualTo(1);
        // top-1 of ORT's probabilities equals top-1 of the reference logits of the same model
        T p = OrtRun.run(r.model(), x, OptLevel.ALL_OPT);
        T l = QdqReference.run(logits, x);
        assertThat(agreement(argmax(p), argmax(l))).isGreaterThanOrEqualTo(0.99);
        ModelProto mp = OnnxImporter.parse(r.model());
        assertThat(mp.getGraph().getInput(0).getName()).isEqualTo("input");
        assertThat(mp.getGraph().getOutput(0).getName()).isEqualTo("probs");
        assertThat(mp.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("batch");
        assertThat(mp.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue())
                .isEqualTo(10);
        assertThat(mp.getOpsetImport(0).getVersion()).isEqualTo(13);
    }

    @Test
    void depthwiseConvWithRelu6AndGlobalAveragePool() {
        T calib = OrtRun.random(2, 1.0, 16, 3, 8, 8);
        Net n = new Net("mobile", "x", new long[] {-1, 3, 8, 8}, calib, 8, 8, 3);
        String pw = n.conv("pw", "x", 8, 1, 1, 0, 1, RELU6);
        String dw = n.conv("dw", pw, 8, 3, 1, 1, 8, RELU6);
        String gap = n.globalAvgPool("gap", dw);
        String f = n.flatten("flat", gap);
        n.gemm("fc", f, 5, IntLayer.Clip.NONE);
        KernelReport k = QdqCheck.run("depthwise", n.build(false, null), OrtRun.random(8, 1.0, 24, 3, 8, 8)).kernels();
        assertThat(k.usesIntegerKernels()).as(k.toString()).isTrue();
        assertThat(k.optimized("QLinearConv")).isEqualTo(2);
        assertThat(k.optimized("QLinearGlobalAveragePool")).isEqualTo(1);
        assertThat(k.optimized("Clip")).as("ReLU6 absorbed by the output quantizer").isZero();
    }

    @Test
    void residualAddWithReluAndTwoInputScales() {
        T calib = OrtRun.random(3, 1.0, 16, 2, 6, 6);
        Net n = new Net("residual", "x", new long[] {-1, 2, 6, 6}, calib, 8, 8, 5);
        String a = n.conv("a", "x", 4, 3, 1, 1, 1, IntLayer.Clip.RELU);
        String b = n.conv("b", a, 4, 3, 1, 1, 1, IntLayer.Clip.NONE);
        String s = n.add("add", a, b, IntLayer.Clip.RELU);
        assertThat(n.encoding(a).scale(0)).isNotEqualTo(n.encoding(b).scale(0));
        String g = n.globalAvgPool("gap", s);
        n.gemm("fc", n.flatten("flat", g), 3, IntLayer.Clip.NONE);
        KernelReport k = QdqCheck.run("residual", n.build(false, null), OrtRun.random(9, 1.0, 24, 2, 6, 6)).kernels();
        assertThat(k.usesIntegerKernels()).as(k.toString()).isTrue();
        assertThat(k.optimized("QLinearAdd")).isEqualTo(1);
        assertThat(k.optimized("Add")).isZero();
    }

    @Test
    void averagePool() {
        for (boolean countIncludePad : new boolean[] {false, true}) {
            T calib = OrtRun.random(4, 1.0, 16, 1, 8, 8);
            Net n = new Net("avg", "x", new long[] {-1, 1, 8, 8}, calib, 8, 8, 6);
            String c = n.conv("conv", "x", 4, 3, 1, 1, 1, IntLayer.Clip.RELU);
            String p = n.avgPool("avg", c, 3, 2, 1, countIncludePad);
            n.gemm("fc", n.flatten("flat", p), 4, IntLayer.Clip.NONE);
            KernelReport k = QdqCheck.run("avgpool count_include_pad=" + countIncludePad, n.build(false, null),
                    OrtRun.random(10, 1.0, 24, 1, 8, 8)).kernels();
            assertThat(k.usesIntegerKernels()).as(k.toString()).isTrue();
            assertThat(k.optimized("QLinearAveragePool")).isEqualTo(1);
            assertThat(k.optimized("AveragePool")).isZero();
        }
    }

    @Test
    void sigmoidGateMulAndConcat() {
        T calib = OrtRun.random(5, 1.0, 16, 2, 6, 6);
        Net n = new Net("gate", "x", new long[] {-1, 2, 6, 6}, calib, 8, 8, 7);
        String c = n.conv("conv", "x", 4, 3, 1, 1, 1, IntLayer.Clip.NONE);
        String s = n.sigmoid("sig", c);
        String m = n.mul("gate", s, c);
        String cat = n.concat("cat", 1, m, c);
        n.gemm("fc", n.flatten("flat", n.globalAvgPool("gap", cat)), 3, IntLayer.Clip.NONE);
        KernelReport k = QdqCheck.run("sigmoid/mul/concat", n.build(false, null), OrtRun.random(11, 1.0, 24, 2, 6, 6)).kernels();
        assertThat(k.usesIntegerKernels()).as(k.toString()).isTrue();
        assertThat(k.optimized("QLinearSigmoid")).isEqualTo(1);
        assertThat(k.optimized("QLinearMul")).isEqualTo(1);
        assertThat(k.optimized("QLinearConcat")).isEqualTo(1);
        assertThat(k.optimized("Sigmoid") + k.optimized("Mul") + k.optimized("Concat")).isZero();
    }

    static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return same / (double) a.length;
    }

    static int[] argmax(T t) {
        int k = t.dim(1);
        int[] r = new int[t.dim(0)];
        for (int i = 0; i < r.length; i++) {
            for (int j = 1; j < k; j++) {
                if (t.v()[i * k + j] > t.v()[i * k + r[i]]) {
                    r[i] = j;
                }
            }
        }
        return r;
    }
}
