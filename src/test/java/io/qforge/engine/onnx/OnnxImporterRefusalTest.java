package io.qforge.engine.onnx;

import static io.qforge.engine.onnx.OnnxModels.f;
import static io.qforge.engine.onnx.OnnxModels.i;
import static io.qforge.engine.onnx.OnnxModels.in;
import static io.qforge.engine.onnx.OnnxModels.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;

class OnnxImporterRefusalTest {

    @Test
    void listsEveryUnsupportedOpWithItsNodeInOneException() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 3, 8, 8)
                .weight("w", 4, 3, 3, 3)
                .node("Conv", "conv1", "c", in("x", "w"))
                .node("Resize", "Resize_12", "r", in("c", "", "", ""))
                .node("Erf", "Erf_7", "e", in("r"))
                .node("Relu", "relu", "y0", in("e"))
                .node("LeakyRelu", "", "y", in("y0"))
                .output("y", -1, 4, 6, 6).bytes();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.load(model));
        assertThat(e.problems()).contains(
                "node 'Resize_12' has unsupported op type Resize",
                "node 'Erf_7' has unsupported op type Erf",
                "node 'LeakyRelu_4' has unsupported op type LeakyRelu");
        assertThat(e.getMessage()).contains("Resize_12", "Erf_7", "LeakyRelu_4");
        assertThat(e.problems()).hasSize(3); // no follow-up noise from nodes downstream of a refused one
    }

    @Test
    void refusesExternalDataNamingTheTensorWithoutOpeningTheFile() {
        Path missing = Path.of("/nonexistent-qforge-dir/weights.bin");
        assertThat(Files.exists(missing)).isFalse();
        TensorProto external = TensorProto.newBuilder().setName("conv1.weight")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4).addDims(3).addDims(3).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(missing.toString()))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .build();
        byte[] model = OnnxModels.opset(13).input("x", -1, 3, 8, 8).initializer(external)
                .node("Conv", "conv1", "y", in("x", "conv1.weight"))
                .output("y", -1, 4, 6, 6).bytes();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.load(model));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).contains("initializer 'conv1.weight'", "externally", missing.toString());
        assertThat(e).hasNoCause();
    }

    @Test
    void refusesOpsetsOutside11To17NamingTheOpsetFound() {
        for (long opset : new long[] {9, 18}) {
            byte[] model = OnnxModels.opset(opset).input("x", -1, 4).node("Relu", "r", "y", in("x")).output("y", -1, 4).bytes();
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.load(model));
            assertThat(e.problems()).singleElement().asString()
                    .contains("opset " + opset).contains("11 to 17");
        }
        for (long opset : new long[] {11, 17}) {
            byte[] model = OnnxModels.opset(opset).input("x", -1, 4).node("Relu", "r", "y", in("x")).output("y", -1, 4).bytes();
            assertThat(OnnxImporter.load(model).opset()).isEqualTo(opset);
        }
    }

    @Test
    void malformedBytesRaiseInvalidModelException() {
        byte[] good = OnnxModels.opset(13).input("x", -1, 4).weight("w", 4, 2)
                .node("MatMul", "mm", "y", in("x", "w")).output("y", -1, 2).bytes();
        byte[] truncated = Arrays.copyOf(good, good.length - 7);
        assertThatThrownBy(() -> OnnxImporter.load(truncated)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("cannot parse ONNX ModelProto");
        assertThatThrownBy(() -> OnnxImporter.load("this is not an onnx model".getBytes()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("ModelProto");
        assertThatThrownBy(() -> OnnxImporter.load(new byte[0])).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void refusesTwoInputsAndNonFloatInputs() {
        byte[] two = OnnxModels.opset(13).input("a", -1, 4).input("b", -1, 4)
                .node("Add", "add", "y", in("a", "b")).output("y", -1, 4).bytes();
        assertThatThrownBy(() -> OnnxImporter.load(two)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("2 graph inputs [a, b]");
        byte[] ints = OnnxModels.opset(13).typedInput("ids", TensorProto.DataType.INT64_VALUE, -1, 4)
                .node("Relu", "r", "y", in("ids")).output("y", -1, 4).bytes();
        assertThatThrownBy(() -> OnnxImporter.load(ints)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("graph input 'ids' has element type INT64");
    }

    @Test
    void initializersListedAsInputsAreNotGraphInputs() {
        byte[] model = OnnxModels.opset(11).input("x", -1, 4).input("w", 4, 2).weight("w", 4, 2)
                .node("MatMul", "mm", "y", in("x", "w")).output("y", -1, 2).bytes();
        assertThat(OnnxImporter.load(model).inputs()).singleElement().extracting(v -> v.name()).isEqualTo("x");
    }

    @Test
    void refusesAttributeCombinationsTheOpsDoNotImplement() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 3, 7, 7)
                .weight("w", 4, 3, 3, 3).positive("sc", 4).weight("b", 4).weight("m", 4).positive("v", 4)
                .node("Conv", "conv", "c", in("x", "w"))
                .node("BatchNormalization", "bn", in("c", "sc", "b", "m", "v"), in("bn", "rm", "rv"), f("epsilon", 1e-5f))
                .node("MaxPool", "pool", "p", in("x"), ints("kernel_shape", 2, 2), ints("strides", 2, 2), i("ceil_mode", 2))
                .node("Dropout", "drop", in("x"), in("d", "mask"))
                .node("Add", "use_mask", "y", in("d", "mask"))
                .output("bn").output("p").output("y").bytes();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.load(model));
        assertThat(String.join("\n", e.problems()))
                .contains("node 'bn' (BatchNormalization): has 3 outputs")
                .contains("node 'pool' (MaxPool): ceil_mode 2 must be 0 or 1")
                .contains("'mask' is used");
    }

    @Test
    void ceilModeThatDoesNotChangeTheSizeIsAccepted() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 2, 8, 8)
                .node("MaxPool", "pool", "y", in("x"), ints("kernel_shape", 2, 2), ints("strides", 2, 2), i("ceil_mode", 1))
                .output("y", -1, 2, 4, 4).bytes();
        var g = OnnxImporter.load(model);
        assertThat(g.nodes().get(0).attrInt("ceil_mode", -1)).isZero();
        assertThat(g.shapes().get("y")).containsExactly(-1, 2, 4, 4);
    }

    @Test
    void ceilModeThatChangesTheSizeIsKept() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 2, 8, 8)
                .node("MaxPool", "pool", "y", in("x"), ints("kernel_shape", 3, 3), ints("strides", 2, 2), i("ceil_mode", 1))
                .output("y", -1, 2, 4, 4).bytes();
        var g = OnnxImporter.load(model);
        assertThat(g.nodes().get(0).attrInt("ceil_mode", -1)).isEqualTo(1);
        assertThat(g.shapes().get("y")).containsExactly(-1, 2, 4, 4);
        assertThat(EngineParity.maxAbsDiff(model, 5, 2, 2, 8, 8)).isZero();
    }

    @Test
    void opset11SoftmaxCoercesTo2dAtItsAxis() {
        byte[] coerced = OnnxModels.opset(11).input("x", -1, 3, 4, 4)
                .node("Softmax", "sm", "y", in("x")).output("y", -1, 3, 4, 4).bytes();
        assertThat(OnnxImporter.load(coerced).nodes()).extracting(n -> n.opType())
                .containsExactly("Reshape", "Softmax", "Reshape");
        assertThat(EngineParity.maxAbsDiff(coerced, 3, 2, 3, 4, 4)).isLessThanOrEqualTo(1e-6);
        byte[] two = OnnxModels.opset(12).input("x", -1, 3, 4, 4)
                .node("Softmax", "sm", "y", in("x"), i("axis", 2)).output("y", -1, 3, 4, 4).bytes();
        assertThat(EngineParity.maxAbsDiff(two, 4, 2, 3, 4, 4)).isLessThanOrEqualTo(1e-6);
        byte[] bad = OnnxModels.opset(11).input("x", -1, 3, 4, 4)
                .node("Softmax", "sm", "y", in("x"), i("axis", 0)).output("y", -1, 3, 4, 4).bytes();
        assertThatThrownBy(() -> OnnxImporter.load(bad)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("node 'sm' (Softmax): opset 11 axis 0 on a rank-4 input would normalize across the batch");
        byte[] ok = OnnxModels.opset(11).input("x", -1, 10)
                .node("Softmax", "sm", "y", in("x")).output("y", -1, 10).bytes();
        assertThat(OnnxImporter.load(ok).nodes().get(0).attrInt("axis", -7)).isEqualTo(1);
        byte[] v13 = OnnxModels.opset(13).input("x", -1, 3, 4, 4)
                .node("Softmax", "sm", "y", in("x")).output("y", -1, 3, 4, 4).bytes();
        assertThat(OnnxImporter.load(v13).nodes().get(0).attrInt("axis", -7)).isEqualTo(3);
    }

    @Test
    void gemmInnerDimensionMismatchIsInvalidAndNamesTheNode() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 8).weight("w", 5, 7).weight("b", 5)
                .node("Gemm", "fc1", "y", in("x", "w", "b"), i("transB", 1))
                .output("y", -1, 5).bytes();
        assertThatThrownBy(() -> OnnxImporter.load(model)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("Gemm 'fc1'").hasMessageContaining("inner dimensions disagree");
    }

    @Test
    void danglingTensorNameIsInvalid() {
        byte[] model = OnnxModels.opset(13).input("x", -1, 8)
                .node("Add", "add", "y", in("x", "nowhere")).output("y", -1, 8).bytes();
        assertThatThrownBy(() -> OnnxImporter.load(model)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("node 'add' (Add) input 'nowhere'");
    }
}
