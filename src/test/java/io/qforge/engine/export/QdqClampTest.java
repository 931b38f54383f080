package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.qforge.engine.onnx.OnnxImporter;
import java.util.HashMap;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;

/**
 * Ranges the 8-bit QuantizeLinear does not give by itself (bits < 8, a ReLU whose output encoding
 * does not start at 0) in both {@link ClampStyle}s, and the int8 activation container. Each test
 * checks the b-bit semantics against the reference (in {@link QdqCheck}) and asserts which kernels
 * ONNX Runtime 1.29 really uses.
 */
class QdqClampTest {

    static final QdqExportOptions FLOAT_CLIP = QdqExportOptions.DEFAULT.withClamp(ClampStyle.FLOAT_BEFORE_QUANTIZE);

    @Test
    void w4a4IntegerClampKeepsIntegerKernelsAndFourBitSemantics() {
        IntModel m = QdqExporterTest.lenet(4, 4, false).build(false, null);
        QdqCheck.Result r = QdqCheck.run("lenet W4A4", m, QdqExporterTest.lenetInput());
        assertThat(r.kernels().usesIntegerKernels()).as(r.kernels().toString()).isTrue();
        // input, conv1 (ReLU + 4 bits), fc1 (ReLU + 4 bits), fc2: one 8-bit Clip each; the max pool
        // and flatten reuse conv1's already clamped values and need none
        assertThat(r.kernels().source("Clip")).isEqualTo(4);
        assertThat(r.kernels().optimized("Clip")).isEqualTo(4);
    }

    @Test
    void withoutTheIntegerClampsTheExportWouldNotHaveFourBitSemantics() {
        IntModel m = QdqExporterTest.lenet(4, 4, false).build(false, null);
        T x = OrtRun.random(21, 2.0, 32, 1, 8, 8);
        QdqCheck.Result r = QdqCheck.run("lenet W4A4, wide input", m, x);
        byte[] stripped = withoutClips(r.model());
        T ref = QdqReference.run(m, x);
        double lsb = (float) m.encoding(m.quantizedOutput()).scale(0);
        double within = QdqCheck.fraction(ref, OrtRun.run(stripped, x, OptLevel.NO_OPT), 1.0001 * lsb);
        System.out.printf("[qdq] W4A4 without clamps: %.3f of values within 1 LSB of the 4-bit reference%n", within);
        assertThat(within).isLessThan(0.9);
    }

    /** The model with every Clip node removed (its consumers read the Clip's input). */
    static byte[] withoutClips(byte[] model) {
        ModelProto mp = OnnxImporter.parse(model);
        Map<String, String> bypass = new HashMap<>();
        for (NodeProto n : mp.getGraph().getNodeList()) {
            if (n.getOpType().equals("Clip")) {
                bypass.put(n.getOutput(0), n.getInput(0));
            }
        }
        GraphProto.Builder g = mp.getGraph().toBuilder().clearNode();
        for (NodeProto n : mp.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Clip")) {
                NodeProto.Builder nb = n.toBuilder().clearInput();
                n.getInputList().forEach(i -> nb.addInput(bypass.getOrDefault(i, i)));
                g.addNode(nb);
            }
        }
        return mp.toBuilder().setGraph(g).build().toByteArray();
    }

    @Test
    void w4a4FloatClampHasFourBitSemanticsButOrtRunsTheLayersInFloat() {
        IntModel m = QdqExporterTest.lenet(4, 4, false).build(false, null);
        QdqCheck.Result r = QdqCheck.run("lenet W4A4", m, QdqExporterTest.lenetInput(), FLOAT_CLIP);
        // ORT 1.29 cannot fold a float Clip that is narrower than the 8-bit saturation
        assertThat(r.kernels().usesIntegerKernels()).isFalse();
        assertThat(r.kernels().integerKernels()).isZero();
        assertThat(r.kernels().floatKernels()).isNotEmpty();
    }

    /** A ReLU layer whose output encoding keeps negative values representable (zero point above the minimum). */
    static IntModel reluWithNegativeRange() {
        T calib = OrtRun.random(1, 1.0, 16, 1, 8, 8);
        Net n = new Net("relu-range", "input", new long[] {-1, 1, 8, 8}, calib, 8, 8, 42);
        n.encodeNext(QuantPrimitives.chooseAsymmetric(-1.0, 3.0, 8));
        String c = n.conv("conv1", "input", 4, 3, 1, 1, 1, IntLayer.Clip.RELU);
        n.gemm("fc", n.flatten("flat", c), 10, IntLayer.Clip.NONE);
        return n.build(false, null);
    }

    @Test
    void reluWithNegativeEncodingRange() {
        IntModel m = reluWithNegativeRange();
        QuantParams p = m.encoding("/conv1/output_0");
        assertThat(p.zeroPoint(0)).isGreaterThan(p.qmin());
        QdqCheck.Result integer = QdqCheck.run("relu zp>qmin", m, QdqExporterTest.lenetInput());
        assertThat(integer.kernels().usesIntegerKernels()).as(integer.kernels().toString()).isTrue();
        assertThat(integer.kernels().optimized("Clip")).as("the ReLU as an 8-bit clamp at the zero point").isEqualTo(1);
        QdqCheck.Result floating = QdqCheck.run("relu zp>qmin", m, QdqExporterTest.lenetInput(), FLOAT_CLIP);
        // the float Relu is not redundant, ORT keeps it and fuses Conv+Relu in float instead
        assertThat(floating.kernels().usesIntegerKernels()).isFalse();
        assertThat(floating.kernels().floatKernels()).containsExactly("FusedConv@com.microsoft x1");
        assertThat(floating.kernels().optimized("QGemm")).isEqualTo(1);
    }

    @Test
    void int8ActivationsFuseOnAChain() {
        QdqExportOptions int8 = QdqExportOptions.DEFAULT.withActivations(ActivationType.INT8);
        IntModel chain = QdqExporterTest.lenet(8, 8, false).build(false, null);
        QdqCheck.Result c = QdqCheck.run("lenet int8 activations", chain, QdqExporterTest.lenetInput(), int8);
        assertThat(c.kernels().usesIntegerKernels()).as(c.kernels().toString()).isTrue();
    }

    @Test
    void int8ActivationsOnAFanOutNeedTheInt8SessionOption() {
        QdqExportOptions int8 = QdqExportOptions.DEFAULT.withActivations(ActivationType.INT8);
        T calib = OrtRun.random(3, 1.0, 16, 2, 6, 6);
        Net n = new Net("residual", "x", new long[] {-1, 2, 6, 6}, calib, 8, 8, 5);
        String a = n.conv("a", "x", 4, 3, 1, 1, 1, IntLayer.Clip.RELU);
        String b = n.conv("b", a, 4, 3, 1, 1, 1, IntLayer.Clip.NONE);
        n.add("add", a, b, IntLayer.Clip.RELU);
        IntModel m = n.build(false, null);
        QdqCheck.Result r = QdqCheck.run("residual int8 activations", m, OrtRun.random(9, 1.0, 24, 2, 6, 6), int8);
        // default options on x86: QDQS8ToU8Transformer rewrites only single-consumer Q/DQ pairs, so
        // conv 'a' (two consumers) mixes int8 and uint8 and neither conv nor the add is fused
        assertThat(r.kernels().usesIntegerKernels()).isFalse();
        assertThat(r.kernels().optimized("Conv")).isEqualTo(2);
        assertThat(r.kernels().optimized("Add")).isEqualTo(1);
        KernelReport allowed = OrtKernelCheck.check(r.model(), Map.of("session.qdqisint8allowed", "1"));
        System.out.println("[qdq] residual int8 with session.qdqisint8allowed=1: " + allowed.optimizedOps());
        assertThat(allowed.usesIntegerKernels()).as(allowed.toString()).isTrue();
        assertThat(allowed.optimized("QLinearAdd")).isEqualTo(1);
    }
}
