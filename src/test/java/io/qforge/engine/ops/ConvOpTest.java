package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ConvOpTest {

    private static INDArray[] in(long[] x, long[] w, boolean bias) {
        INDArray[] a = new INDArray[bias ? 3 : 2];
        a[0] = uniform(1, -1, 1, x);
        a[1] = uniform(2, -1, 1, w);
        if (bias) {
            a[2] = uniform(3, -1, 1, w[0]);
        }
        return a;
    }

    @Test
    void dense() {
        Op op = op("Conv", 3, "pads", ints(1, 1, 1, 1));
        INDArray[] in = in(ints(2, 3, 5, 5), ints(4, 3, 3, 3), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(2, 4, 5, 5));
        GradientCheck.check("Conv group 1 pads 1", op, in, 0, 1, 2);
    }

    @Test
    void depthwiseWithMultiplier() {
        Op op = op("Conv", 3, "group", 3L, "pads", ints(1, 1, 1, 1));
        INDArray[] in = in(ints(2, 3, 5, 5), ints(6, 1, 3, 3), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(2, 6, 5, 5));
        GradientCheck.check("Conv depthwise x2", op, in, 0, 1, 2);
    }

    @Test
    void depthwiseAsymmetricStride2NoBias() {
        Op op = op("Conv", 2, "group", 4L, "strides", ints(2, 2), "pads", ints(0, 1, 1, 0));
        INDArray[] in = in(ints(1, 4, 6, 6), ints(4, 1, 3, 3), false);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(1, 4, 3, 3));
        GradientCheck.check("Conv depthwise asym stride 2", op, in, 0, 1);
    }

    @Test
    void pointwiseOnOneByOneInputIsTheGemmAndAgreesWithConv2d() {
        // squeeze-excitation shape: PointwiseConv's GEMM, checked against finite differences and
        // against ND4J's conv2d on the same values
        Op op = op("Conv", 3);
        INDArray[] in = in(ints(3, 5, 1, 1), ints(4, 5, 1, 1), true);
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.shape()).isEqualTo(ints(3, 4, 1, 1));
        INDArray ref = CustomOps.exec("conv2d", new INDArray[] {in[0], in[1], in[2]},
                new int[] {1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1})[0];
        assertThat(y.sub(ref).amaxNumber().doubleValue()).isLessThan(1e-12);
        GradientCheck.check("Conv 1x1 on 1x1", op, in, 0, 1, 2);
        GradientCheck.check("Conv 1x1 on 1x1 no bias", op("Conv", 2), in(ints(2, 3, 1, 1), ints(6, 3, 1, 1), false), 0, 1);
    }

    @Test
    void twoGroups() {
        Op op = op("Conv", 3, "group", 2L, "pads", ints(1, 0, 1, 0));
        INDArray[] in = in(ints(1, 4, 5, 5), ints(6, 2, 3, 3), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(1, 6, 5, 3));
        GradientCheck.check("Conv group 2", op, in, 0, 1, 2);
    }

    @Test
    void stride2() {
        Op op = op("Conv", 3, "strides", ints(2, 2), "pads", ints(1, 1, 1, 1));
        INDArray[] in = in(ints(2, 2, 6, 6), ints(3, 2, 3, 3), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(2, 3, 3, 3));
        GradientCheck.check("Conv stride 2", op, in, 0, 1, 2);
    }

    @Test
    void dilation2() {
        Op op = op("Conv", 3, "dilations", ints(2, 2));
        INDArray[] in = in(ints(1, 2, 7, 7), ints(2, 2, 3, 3), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(1, 2, 3, 3));
        GradientCheck.check("Conv dilation 2", op, in, 0, 1, 2);
    }

    @Test
    void dilatedGroupsAndFloat32() {
        Op op = op("Conv", 3, "dilations", ints(2, 1), "group", 2L, "pads", ints(2, 0, 1, 1));
        INDArray[] in = in(ints(1, 4, 7, 6), ints(4, 2, 3, 2), true);
        GradientCheck.check("Conv dilation [2,1] group 2 asym pads", op, in, 0, 1, 2);
        INDArray[] f32 = new INDArray[3];
        for (int i = 0; i < 3; i++) {
            f32[i] = in[i].castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        }
        INDArray y64 = op.forward(in, new OpContext(false))[0];
        INDArray y32 = op.forward(f32, new OpContext(false))[0];
        assertThat(y32.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).equalsWithEps(y64, 1e-5)).isTrue();
        INDArray[] g32 = op.backward(f32, new INDArray[] {y32}, new INDArray[] {y32}, new OpContext(true));
        assertThat(g32[1].dataType()).isEqualTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    }

    @Test
    void asymmetricPads() {
        Op op = op("Conv", 3, "pads", ints(0, 1, 2, 0), "kernel_shape", ints(3, 2));
        INDArray[] in = in(ints(2, 2, 5, 4), ints(3, 2, 3, 2), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(2, 3, 5, 4));
        GradientCheck.check("Conv asymmetric pads", op, in, 0, 1, 2);
    }

    @Test
    void noBias() {
        Op op = op("Conv", 2, "pads", ints(1, 1, 1, 1), "strides", ints(1, 2));
        INDArray[] in = in(ints(2, 3, 4, 5), ints(2, 3, 3, 3), false);
        INDArray[] g = op.backward(in, op.forward(in, new OpContext(true)), new INDArray[] {
                uniform(5, -1, 1, 2, 2, 4, 3)}, new OpContext(true));
        assertThat(g).hasSize(2);
        GradientCheck.check("Conv no bias, stride 1x2", op, in, 0, 1);
    }

    @Test
    void sameUpperAutoPad() {
        Op op = op("Conv", 3, "auto_pad", "SAME_UPPER", "strides", ints(2, 2));
        INDArray[] in = in(ints(1, 2, 6, 6), ints(2, 2, 4, 4), true);
        assertThat(op.forward(in, new OpContext(false))[0].shape()).isEqualTo(ints(1, 2, 3, 3));
        GradientCheck.check("Conv SAME_UPPER stride 2", op, in, 0, 1, 2);
    }

    @Test
    void channelMismatchNamesTheNode() {
        Op op = op("Conv", 2, "group", 2L);
        INDArray[] in = in(ints(1, 3, 4, 4), ints(2, 2, 3, 3), false);
        assertThatThrownBy(() -> op.forward(in, new OpContext(false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv_test").hasMessageContaining("3 channels");
    }
}
