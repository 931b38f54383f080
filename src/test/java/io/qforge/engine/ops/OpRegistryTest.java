package io.qforge.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpRegistryTest {

    @Test
    void listsSupportedOps() {
        assertThat(OpRegistry.supportedOpTypes()).contains("Conv", "Gemm", "MatMul", "Add", "Mul", "Relu", "Clip",
                "Sigmoid", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape",
                "Identity", "Dropout", "Softmax", "Concat", "Sub", "Div", "Neg", "HardSigmoid", "HardSwish", "Transpose",
                "Squeeze", "Unsqueeze", "Split", "Slice", "Gather", "ReduceMean", "ReduceSum", "Pad").hasSize(32);
    }

    @Test
    void unknownOpNamesTheNodeAndType() {
        assertThatThrownBy(() -> OpRegistry.create(TestArrays.node("LSTM", 3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lstm_test").hasMessageContaining("'LSTM'").hasMessageContaining("Conv");
    }

    @Test
    void trainableInputs() {
        assertThat(TestArrays.op("Conv", 3).trainableInputs()).containsExactly(1, 2);
        assertThat(TestArrays.op("Gemm", 3).trainableInputs()).containsExactly(1, 2);
        assertThat(TestArrays.op("MatMul", 2).trainableInputs()).containsExactly(1);
        assertThat(TestArrays.op("BatchNormalization", 5).trainableInputs()).containsExactly(1, 2);
        assertThat(TestArrays.op("Add", 2).trainableInputs()).containsExactly(0, 1);
        assertThat(TestArrays.op("Relu", 1).trainableInputs()).isEmpty();
        assertThat(TestArrays.op("Sub", 2).trainableInputs()).containsExactly(0, 1);
        assertThat(TestArrays.op("Div", 2).trainableInputs()).containsExactly(0, 1);
        assertThat(TestArrays.op("Pad", 2).trainableInputs()).isEmpty();
    }
}
