package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused float32 backward of a per-channel Mul / Add ({@code y = a * b[c]}, {@code y = a + b[c]},
 * the QAT graph's BN unscale and bias) against the ND4J formulas: dA bit-identical, dB (a sum, in
 * another order) to float32 rounding.
 */
class PerChannelGradKernelsTest {

    private static INDArray f(INDArray a) {
        return a.castTo(DataType.FLOAT);
    }

    @Test
    void mulBackwardMatchesNd4j() {
        for (long[] bShape : new long[][] {{1, 5, 1, 1}, {5, 1, 1}}) {
            INDArray a = f(uniform(1, -2, 2, 4, 5, 6, 7));
            // a reshaped view, like the QAT graph's 1/f ([1, C, 1, 1] with non-default strides)
            INDArray b = f(uniform(2, 0.5, 2, 5)).reshape(bShape);
            INDArray g = f(uniform(3, -1, 1, 4, 5, 6, 7));
            assertThat(FloatKernels.perChannelOf(b.shape(), a)).isTrue();
            INDArray[] d = op("Mul", 2).backward(new INDArray[] {a, b}, null, new INDArray[] {g}, new OpContext(true));
            INDArray daRef = g.mul(b.reshape(1, 5, 1, 1));
            INDArray dbRef = g.mul(a).sum(0, 2, 3).reshape(bShape);
            assertThat(d[0].equals(daRef)).as("dA for b %s", java.util.Arrays.toString(bShape)).isTrue();
            assertThat(d[1].shape()).isEqualTo(bShape);
            assertThat(d[1].equalsWithEps(dbRef, 1e-4)).as("dB %s vs %s", d[1], dbRef).isTrue();
        }
    }

    @Test
    void addBackwardMatchesNd4j() {
        INDArray a = f(uniform(4, -2, 2, 3, 6, 5, 5));
        INDArray b = f(uniform(5, -1, 1, 6, 1, 1));
        INDArray g = f(uniform(6, -1, 1, 3, 6, 5, 5));
        INDArray[] d = op("Add", 2).backward(new INDArray[] {a, b}, null, new INDArray[] {g}, new OpContext(true));
        assertThat(d[0]).isSameAs(g);
        assertThat(d[1].shape()).isEqualTo(new long[] {6, 1, 1});
        assertThat(d[1].equalsWithEps(g.sum(0, 2, 3).reshape(6, 1, 1), 1e-5)).isTrue();
    }

    @Test
    void onlyPerChannelOperandsOfPlainFloatArraysQualify() {
        INDArray a = f(uniform(7, -1, 1, 2, 3, 4, 4));
        assertThat(FloatKernels.perChannelOf(new long[] {1, 3, 1, 1}, a)).isTrue();
        assertThat(FloatKernels.perChannelOf(new long[] {3, 1, 1}, a)).isTrue();
        assertThat(FloatKernels.perChannelOf(new long[] {3, 4, 1}, a)).isFalse();
        assertThat(FloatKernels.perChannelOf(new long[] {1, 1, 4, 4}, a)).isFalse();
        assertThat(FloatKernels.perChannelOf(new long[] {3}, a)).isFalse(); // right-aligned: faces the last axis
        assertThat(FloatKernels.perChannelOf(new long[] {1, 3, 1, 1}, a.castTo(DataType.DOUBLE))).isFalse();
        assertThat(FloatKernels.perChannelOf(new long[] {1, 3, 1, 1}, Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 4).dup('f')))
                .isFalse();
    }
}
