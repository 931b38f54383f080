package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static io.qforge.engine.onnx.OnnxModels.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.graph.ConvGeometry;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile ONNX models: each is refused by {@link ModelSummary#of} with a problem that names the
 * node or initializer (or by {@link InvalidModelException}), never with another exception type.
 */
class HostileModelTest {

    /** x [N,1,8,8] -> Conv(2, 3x3, attrs) -> Flatten -> Gemm -> y [N,3]; weights random. */
    private static OnnxModels conv(AttributeProto... convAttrs) {
        return OnnxModels.opset(13).input("x", -1, 1, 8, 8).weight("w", 2, 1, 3, 3).weight("b", 2)
                .node("Conv", "conv", "c", in("x", "w", "b"), convAttrs)
                .node("GlobalAveragePool", "gap", "p", in("c"))
                .node("Flatten", "flat", "f", in("p"))
                .weight("gw", 2, 3).node("MatMul", "mm", "y", in("f", "gw"))
                .output("y", -1, 3);
    }

    private static ModelSummary summary(byte[] model) {
        return ModelSummary.of(model);
    }

    @Test
    void theBaseModelIsSupported() {
        assertThat(summary(conv(ints("pads", 1, 1, 1, 1)).bytes()).problems()).isEmpty();
    }

    @Test
    void initializerDimsOverflowingALongAreAProblemNotAnArithmeticException() {
        byte[] m = conv().initializer(TensorProto.newBuilder().setName("huge").setDataType(1)
                .addDims(1L << 32).addDims(1L << 32).addDims(1L << 32).build()).bytes();
        assertThat(summary(m).problems()).containsExactly(
                "initializer 'huge' has dims [4294967296, 4294967296, 4294967296] whose element count overflows 64 bits");
    }

    @Test
    void windowAttributesAreCheckedBeforeAnyArithmetic() {
        assertThat(summary(conv(ints("strides", 0, 1)).bytes()).problems())
                .containsExactly("node 'conv' (Conv): strides [0, 1] has an entry below 1");
        assertThat(summary(conv(ints("strides", 0, 0), s("auto_pad", "SAME_UPPER")).bytes()).problems())
                .as("SAME padding divides by the stride too")
                .containsExactly("node 'conv' (Conv): strides [0, 0] has an entry below 1");
        assertThat(summary(conv(ints("dilations", 1, -2)).bytes()).problems())
                .containsExactly("node 'conv' (Conv): dilations [1, -2] has an entry below 1");
        assertThat(summary(conv(ints("pads", 0, -1, 0, 0)).bytes()).problems())
                .containsExactly("node 'conv' (Conv): pads [0, -1, 0, 0] has a negative entry");
        assertThat(summary(conv(ints("pads", 9, 0, 0, 0)).bytes()).problems()).containsExactly(
                "node 'conv' (Conv): pad 9 on spatial axis 0 is larger than the input size 8 (pads [9, 0, 0, 0],"
                        + " input spatial shape [8, 8])");
        assertThat(summary(conv(ints("dilations", 4, 1)).bytes()).problems()).as("output size 0").containsExactly(
                "Conv 'conv': window 3 (dilation 4) larger than padded input 8 on spatial axis 0");
        assertThatThrownBy(() -> ConvGeometry.outputSize(8, 3, 0, 0, 0, 1, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void poolPadsNotSmallerThanTheKernelAreRefusedAsOnnxRuntimeRefusesThem() {
        byte[] m = OnnxModels.opset(13).input("x", -1, 1, 8, 8)
                .node("MaxPool", "pool", "y", in("x"), ints("kernel_shape", 2, 2), ints("pads", 2, 0, 0, 0))
                .output("y").bytes();
        assertThat(summary(m).problems()).containsExactly(
                "node 'pool' (MaxPool): pad 2 on spatial axis 0 is not smaller than the kernel 2 (pads [2, 0, 0, 0])");
        assertThatThrownBy(() -> Ort.run(m, new float[64], new long[] {1, 1, 8, 8}))
                .hasMessageContaining("Pad should be smaller than kernel");
    }

    @Test
    void irVersionsOnnxRuntimeCannotLoadAreRefused() {
        ModelProto base = conv().model();
        assertThat(summary(base.toBuilder().setIrVersion(99).build().toByteArray()).problems()).containsExactly(
                "model has ir_version 99; supported IR versions are 3 to 13 (what ONNX Runtime 1.29 loads; re-export"
                        + " with an ONNX release of that range)");
        assertThat(summary(base.toBuilder().setIrVersion(13).build().toByteArray()).problems()).isEmpty();
        assertThat(summary(base.toBuilder().setIrVersion(3).build().toByteArray()).problems()).isEmpty();
    }

    @Test
    void aGraphWithoutOutputsIsRefused() {
        ModelProto m = conv().model();
        byte[] none = m.toBuilder().setGraph(m.getGraph().toBuilder().clearOutput()).build().toByteArray();
        assertThat(summary(none).problems())
                .containsExactly("graph has no outputs; a model must declare the output qforge trains (its logits)");
    }

    @Test
    void nonFiniteWeightsAreRefusedByInitializerName() {
        float[] w = new float[18];
        w[4] = Float.NaN;
        assertThat(summary(conv().floats("w2", w, 2, 1, 3, 3).model().toBuilder().build().toByteArray()).problems())
                .containsExactly("initializer 'w2' contains NaN at flat index 4; weights must be finite");
        float[] b = {0, Float.POSITIVE_INFINITY};
        byte[] m = OnnxModels.opset(13).input("x", -1, 1, 8, 8).weight("w", 2, 1, 3, 3).floats("b", b, 2)
                .node("Conv", "conv", "y", in("x", "w", "b")).output("y").bytes();
        assertThat(summary(m).problems()).containsExactly("initializer 'b' contains +Inf at flat index 1; weights must be finite");
    }

    @Test
    void constantFoldingNeverExpandsWhatTheFileHolds() {
        byte[] m = OnnxModels.opset(13).input("x", -1, 3).weight("a", 40_000, 1).weight("b", 1, 40_000)
                .node("Add", "outer", "big", in("a", "b"))
                .node("ReduceSum", "sum", "s", in("big")).node("Add", "use", "y", in("x", "s")).output("y").bytes();
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(summary(m).problems()).contains("Add 'outer': folding its constant inputs would expand them to"
                + " shape [40000, 40000], more elements than any input holds (40000); qforge folds only constants"
                + " that do not grow");
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - before).as("no 1.6-billion-element array was built").isLessThan(1L << 30);
    }

    @Test
    void externalDataIsRefusedWithoutOpeningThePath(@TempDir Path dir) throws Exception {
        Path canary = dir.resolve("weights.bin");
        TensorProto ext = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).addDims(1).addDims(3).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(canary.toString()))
                .build();
        byte[] m = OnnxModels.opset(13).input("x", -1, 1, 8, 8).initializer(ext).weight("b", 2)
                .node("Conv", "conv", "y", in("x", "w", "b")).output("y").bytes();
        assertThat(summary(m).problems()).containsExactly("initializer 'w' stores its data externally (location '"
                + canary + "'); qforge reads only self-contained models (save with all tensors inside the .onnx file)");
        assertThat(Files.exists(canary)).isFalse();
    }
}
