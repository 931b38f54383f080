package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MatMulOpTest {

    @Test
    void twoD() {
        Op op = op("MatMul", 2);
        INDArray[] in = {uniform(1, -1, 1, 3, 4), uniform(2, -1, 1, 4, 2)};
        assertThat(op.forward(in, new OpContext(false))[0].equalsWithEps(in[0].mmul(in[1]), 1e-12)).isTrue();
        GradientCheck.check("MatMul 2-D", op, in, 0, 1);
    }

    @Test
    void threeDWithSharedTwoDWeight() {
        Op op = op("MatMul", 2);
        INDArray[] in = {uniform(3, -1, 1, 2, 3, 4), uniform(4, -1, 1, 4, 5)};
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.shape()).containsExactly(2, 3, 5);
        INDArray slice1 = in[0].get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all());
        assertThat(y.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all())
                .equalsWithEps(slice1.mmul(in[1]), 1e-12)).isTrue();
        GradientCheck.check("MatMul 3-D x 2-D", op, in, 0, 1);
    }

    @Test
    void batchedThreeD() {
        Op op = op("MatMul", 2);
        INDArray[] in = {uniform(5, -1, 1, 2, 3, 4), uniform(6, -1, 1, 2, 4, 2)};
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.shape()).containsExactly(2, 3, 2);
        INDArray a0 = in[0].get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray b0 = in[1].get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        assertThat(y.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all())
                .equalsWithEps(a0.mmul(b0), 1e-12)).isTrue();
        GradientCheck.check("MatMul batched 3-D", op, in, 0, 1);
    }

    @Test
    void refusesOneD() {
        Op op = op("MatMul", 2);
        INDArray[] in = {uniform(7, -1, 1, 4), uniform(8, -1, 1, 4, 2)};
        assertThatThrownBy(() -> op.forward(in, new OpContext(false)))
                .hasMessageContaining("matmul_test").hasMessageContaining("1-D");
    }
}
