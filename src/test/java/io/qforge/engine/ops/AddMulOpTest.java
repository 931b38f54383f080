package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AddMulOpTest {

    private static INDArray[][] cases() {
        return new INDArray[][] {
            {uniform(1, -1, 1, 2, 3, 4, 4), uniform(2, -1, 1, 3, 1, 1)},
            {uniform(3, -1, 1, 3, 1, 1), uniform(4, -1, 1, 2, 3, 4, 4)},
            {uniform(5, -1, 1, 2, 3, 4, 4), Nd4j.scalar(0.75)},
            {uniform(6, -1, 1, 2, 3, 4, 4), uniform(7, -1, 1, 2, 3, 4, 4)},
            {uniform(8, -1, 1, 2, 1, 4), uniform(9, -1, 1, 3, 1)},
            {uniform(10, -1, 1, 2, 5), uniform(11, -1, 1, 5)},
        };
    }

    @Test
    void addBroadcasts() {
        for (INDArray[] c : cases()) {
            Op op = op("Add", 2);
            INDArray y = op.forward(c, new OpContext(false))[0];
            INDArray expected = Nd4j.zeros(c[0].dataType(), Broadcasting.shape(c[0].shape(), c[1].shape(), "t"))
                    .addi(c[0]).addi(c[1]);
            assertThat(y.equalsWithEps(expected, 1e-12)).as("Add %s + %s", TestArrays.shape(c[0]), TestArrays.shape(c[1]))
                    .isTrue();
            GradientCheck.check("Add " + TestArrays.shape(c[0]) + " + " + TestArrays.shape(c[1]), op, c, 0, 1);
        }
    }

    @Test
    void mulBroadcasts() {
        for (INDArray[] c : cases()) {
            Op op = op("Mul", 2);
            INDArray y = op.forward(c, new OpContext(false))[0];
            INDArray expected = Nd4j.ones(c[0].dataType(), Broadcasting.shape(c[0].shape(), c[1].shape(), "t"))
                    .muli(c[0]).muli(c[1]);
            assertThat(y.equalsWithEps(expected, 1e-12)).as("Mul %s * %s", TestArrays.shape(c[0]), TestArrays.shape(c[1]))
                    .isTrue();
            GradientCheck.check("Mul " + TestArrays.shape(c[0]) + " * " + TestArrays.shape(c[1]), op, c, 0, 1);
        }
    }

    @Test
    void incompatibleShapesNameTheNode() {
        Op op = op("Add", 2);
        INDArray[] in = {uniform(1, -1, 1, 2, 3), uniform(2, -1, 1, 4)};
        assertThatThrownBy(() -> op.forward(in, new OpContext(false)))
                .hasMessageContaining("add_test").hasMessageContaining("do not broadcast");
    }
}
