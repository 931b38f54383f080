package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShapeOpsTest {

    @Test
    void flatten() {
        INDArray x = uniform(1, -1, 1, 2, 3, 4);
        assertThat(op("Flatten", 1).forward(new INDArray[] {x}, new OpContext(false))[0].shape()).containsExactly(2, 12);
        assertThat(op("Flatten", 1, "axis", 0L).forward(new INDArray[] {x}, new OpContext(false))[0].shape())
                .containsExactly(1, 24);
        Op op = op("Flatten", 1, "axis", -1L);
        INDArray y = op.forward(new INDArray[] {x}, new OpContext(false))[0];
        assertThat(y.shape()).containsExactly(6, 4);
        assertThat(y.getDouble(5, 3)).isEqualTo(x.getDouble(1, 2, 3));
        GradientCheck.check("Flatten axis -1", op, new INDArray[] {x}, 0);
    }

    @Test
    void reshapeWithZeroAndMinusOne() {
        INDArray x = uniform(2, -1, 1, 2, 3, 4);
        Op op = op("Reshape", 2);
        INDArray shape = Nd4j.createFromArray(0L, -1L, 2L);
        INDArray[] in = {x, shape};
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.shape()).containsExactly(2, 6, 2);
        assertThat(y.getDouble(1, 5, 1)).isEqualTo(x.getDouble(1, 2, 3));
        GradientCheck.check("Reshape [0,-1,2]", op, in, 0);
        assertThat(op.backward(in, new INDArray[] {y}, new INDArray[] {y}, new OpContext(false))[1]).isNull();
        assertThatThrownBy(() -> op.forward(new INDArray[] {x, Nd4j.createFromArray(5L, -1L)}, new OpContext(false)))
                .hasMessageContaining("reshape_test").hasMessageContaining("[5, -1]");
    }

    @Test
    void concat() {
        Op op = op("Concat", 3, "axis", 1L);
        INDArray[] in = {uniform(3, -1, 1, 2, 1, 3), uniform(4, -1, 1, 2, 2, 3), uniform(5, -1, 1, 2, 3, 3)};
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.shape()).containsExactly(2, 6, 3);
        assertThat(y.getDouble(1, 4, 2)).isEqualTo(in[2].getDouble(1, 1, 2));
        GradientCheck.check("Concat axis 1", op, in, 0, 1, 2);
        Op last = op("Concat", 2, "axis", -1L);
        GradientCheck.check("Concat axis -1", last,
                new INDArray[] {uniform(6, -1, 1, 2, 3), uniform(7, -1, 1, 2, 4)}, 0, 1);
    }

    @Test
    void softmax() {
        INDArray x = uniform(8, -2, 2, 2, 3, 4);
        for (long axis : new long[] {-1, 1}) {
            Op op = op("Softmax", 1, "axis", axis);
            INDArray y = op.forward(new INDArray[] {x}, new OpContext(false))[0];
            INDArray sums = y.sum((int) (axis < 0 ? axis + 3 : axis));
            assertThat(sums.minNumber().doubleValue()).isCloseTo(1.0, within(1e-12));
            assertThat(sums.maxNumber().doubleValue()).isCloseTo(1.0, within(1e-12));
            GradientCheck.check("Softmax axis " + axis, op, new INDArray[] {x}, 0);
        }
    }

    @Test
    void identityAndDropoutPassThrough() {
        INDArray x = uniform(9, -1, 1, 2, 3);
        assertThat(op("Identity", 1).forward(new INDArray[] {x}, new OpContext(true))[0]).isSameAs(x);
        Op dropout = OpRegistry.create(TestArrays.node("Dropout", 1, 2, "ratio", 0.5));
        INDArray[] y = dropout.forward(new INDArray[] {x}, new OpContext(true));
        assertThat(y[0].equalsWithEps(x, 0)).isTrue();
        assertThat(y[1].dataType()).isEqualTo(DataType.BOOL);
        GradientCheck.check("Identity", op("Identity", 1), new INDArray[] {x}, 0);
        GradientCheck.check("Dropout (identity)", dropout, new INDArray[] {x}, new int[] {0}, true, false, 3);
    }
}
