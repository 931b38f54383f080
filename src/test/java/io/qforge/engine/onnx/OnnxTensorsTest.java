package io.qforge.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.graph.ElementType;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OnnxTensorsTest {

    @Test
    void everyElementTypeRoundTripsThroughRawData() {
        INDArray[] arrays = {
            Nd4j.createFromArray(new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.125f}).reshape(2, 3),
            Nd4j.createFromArray(new double[] {1e-300, -2.5}),
            Nd4j.createFromArray(new long[] {Long.MAX_VALUE, -1, 0}),
            Nd4j.createFromArray(new int[] {Integer.MIN_VALUE, 5}),
            Nd4j.createFromArray(new byte[] {-128, 0, 127}),
            Nd4j.createFromArray(new int[] {0, 200, 255}).castTo(DataType.UINT8),
            Nd4j.createFromArray(new boolean[] {true, false}),
            Nd4j.scalar(2.5f),
            Nd4j.scalar(7L),
        };
        for (INDArray a : arrays) {
            TensorProto t = OnnxTensors.toTensor("t", a);
            INDArray back = OnnxTensors.toArray(t, "t");
            assertThat(back.dataType()).as(a.dataType().toString()).isEqualTo(a.dataType());
            assertThat(back.shape()).isEqualTo(a.shape());
            assertThat(back).as(a.dataType().toString()).isEqualTo(a);
        }
        assertThat(OnnxTensors.toArray(OnnxTensors.toTensor("s", Nd4j.scalar(2.5f)), "s").rank()).isZero();
        assertThat(OnnxTensors.toArray(OnnxTensors.toTensor("u", arrays[5]), "u").getInt(1)).isEqualTo(200);
    }

    @Test
    void readsTypedFieldsAndChecksTheElementCount() {
        TensorProto floats = TensorProto.newBuilder().setName("f").setDataType(ElementType.FLOAT.onnxCode())
                .addDims(2).addFloatData(1f).addFloatData(-3f).build();
        assertThat(OnnxTensors.toArray(floats, "f").toFloatVector()).containsExactly(1f, -3f);
        TensorProto int8 = TensorProto.newBuilder().setName("q").setDataType(ElementType.INT8.onnxCode())
                .addDims(2).addInt32Data(-7).addInt32Data(100).build();
        assertThat(OnnxTensors.toArray(int8, "q").toIntVector()).containsExactly(-7, 100);
        TensorProto wrong = floats.toBuilder().clearDims().addDims(3).build();
        assertThatThrownBy(() -> OnnxTensors.toArray(wrong, "initializer 'f'"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("initializer 'f' holds 2 values but dims [3]");
    }
}
