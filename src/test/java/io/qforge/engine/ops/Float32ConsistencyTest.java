package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.distinct;
import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The same forward and backward in float32 (oneDNN kernels where ND4J has them) and float64
 * (the gradient-checked path) agree to 1e-4 relative to each array's largest magnitude.
 */
class Float32ConsistencyTest {

    private static void compare(String label, Op op, INDArray[] in64, boolean training) {
        INDArray[] in32 = new INDArray[in64.length];
        for (int i = 0; i < in64.length; i++) {
            in32[i] = in64[i] == null || !in64[i].isR() ? in64[i] : in64[i].castTo(DataType.FLOAT);
        }
        OpContext c64 = new OpContext(training);
        OpContext c32 = new OpContext(training);
        INDArray[] y64 = op.forward(in64, c64);
        INDArray[] y32 = op.forward(in32, c32);
        assertThat(y32[0].dataType()).as(label).isEqualTo(DataType.FLOAT);
        close(label + " output", y32[0], y64[0]);
        INDArray r = uniform(99, -1, 1, y64[0].shape());
        INDArray[] g64 = op.backward(in64, y64, new INDArray[] {r}, c64);
        INDArray[] g32 = op.backward(in32, y32, new INDArray[] {r.castTo(DataType.FLOAT)}, c32);
        for (int i = 0; i < g64.length; i++) {
            if (g64[i] != null) {
                assertThat(g32[i].dataType()).as("%s grad %d", label, i).isEqualTo(DataType.FLOAT);
                close(label + " grad " + i, g32[i], g64[i]);
            }
        }
    }

    private static void close(String label, INDArray f32, INDArray f64) {
        double scale = Math.max(1e-3, Transforms.abs(f64).maxNumber().doubleValue());
        double diff = Transforms.abs(f32.castTo(DataType.DOUBLE).sub(f64)).maxNumber().doubleValue() / scale;
        assertThat(diff).as(label).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void convolutions() {
        INDArray x = uniform(1, -1, 1, 2, 4, 7, 7);
        INDArray b4 = uniform(3, -1, 1, 4);
        compare("Conv dense asym pads stride 2", op("Conv", 3, "pads", ints(0, 1, 1, 0), "strides", ints(2, 2)),
                new INDArray[] {x, uniform(2, -1, 1, 4, 4, 3, 3), b4}, true);
        compare("Conv depthwise pads 1", op("Conv", 3, "group", 4L, "pads", ints(1, 1, 1, 1)),
                new INDArray[] {x, uniform(4, -1, 1, 4, 1, 3, 3), b4}, true);
        compare("Conv group 2 dilation 2 no bias", op("Conv", 2, "group", 2L, "dilations", ints(2, 2)),
                new INDArray[] {x, uniform(5, -1, 1, 4, 2, 3, 3)}, true);
        compare("Conv 1x1 on 1x1 (GEMM)", op("Conv", 3), new INDArray[] {uniform(45, -1, 1, 4, 6, 1, 1),
            uniform(46, -1, 1, 5, 6, 1, 1), uniform(47, -1, 1, 5)}, true);
        // the Java im2col path of GroupedConv (float32) against the ND4J one (float64, gradient-checked)
        INDArray x6 = uniform(40, -1, 1, 3, 6, 7, 5);
        compare("Conv group 3 stride 2 pads 1 bias", op("Conv", 3, "group", 3L, "strides", ints(2, 2), "pads", ints(1, 1, 1, 1)),
                new INDArray[] {x6, uniform(41, -1, 1, 9, 2, 3, 3), uniform(42, -1, 1, 9)}, true);
        compare("Conv group 2 1x2 kernel asym pads", op("Conv", 3, "group", 2L, "pads", ints(0, 1, 1, 0)),
                new INDArray[] {x6, uniform(43, -1, 1, 4, 3, 1, 2), uniform(44, -1, 1, 4)}, true);
    }

    @Test
    void denseAndElementwise() {
        compare("Gemm transB", op("Gemm", 3, "transB", 1L, "alpha", 0.5),
                new INDArray[] {uniform(6, -1, 1, 3, 5), uniform(7, -1, 1, 4, 5), uniform(8, -1, 1, 4)}, true);
        compare("MatMul batched", op("MatMul", 2),
                new INDArray[] {uniform(9, -1, 1, 2, 3, 5), uniform(10, -1, 1, 2, 5, 4)}, true);
        // GatingKernels (float32 one-pass backward) against the gradient-checked float64 path
        compare("Mul same shape (SiLU)", op("Mul", 2),
                new INDArray[] {uniform(50, -1, 1, 2, 3, 4, 4), uniform(51, -1, 1, 2, 3, 4, 4)}, true);
        compare("Mul plane gate (squeeze-excitation)", op("Mul", 2),
                new INDArray[] {uniform(52, -1, 1, 2, 3, 4, 5), uniform(53, -1, 1, 2, 3, 1, 1)}, true);
        compare("Mul plane gate first", op("Mul", 2),
                new INDArray[] {uniform(54, -1, 1, 2, 3, 1, 1), uniform(55, -1, 1, 2, 3, 4, 5)}, true);
        compare("Sigmoid", op("Sigmoid", 1), new INDArray[] {uniform(56, -4, 4, 2, 3, 4, 4)}, true);
        compare("Mul broadcast", op("Mul", 2),
                new INDArray[] {uniform(11, -1, 1, 2, 3, 4, 4), uniform(12, -1, 1, 3, 1, 1)}, true);
        compare("Relu", op("Relu", 1), new INDArray[] {TestArrays.awayFromZero(13, 0.05, 1, 2, 3, 4)}, true);
        compare("Clip", op("Clip", 3), new INDArray[] {uniform(14, -8, 8, 2, 3, 4), Nd4j.scalar(0.0), Nd4j.scalar(6.0)},
                true);
        compare("Softmax", op("Softmax", 1, "axis", 1L), new INDArray[] {uniform(15, -2, 2, 2, 3, 4)}, true);
    }

    @Test
    void batchNormRunningStatisticsAgreeBetweenFusedFloat32AndFloat64() {
        INDArray[] in64 = {uniform(26, -2, 2, 4, 3, 5, 5), uniform(27, 0.5, 1.5, 3), uniform(28, -1, 1, 3),
            uniform(29, -0.5, 0.5, 3), uniform(30, 0.5, 2, 3)};
        INDArray[] in32 = new INDArray[5];
        for (int i = 0; i < 5; i++) {
            in32[i] = in64[i].castTo(DataType.FLOAT);
        }
        Op bn = op("BatchNormalization", 5);
        bn.forward(in64, new OpContext(true));
        bn.forward(in32, new OpContext(true));
        close("running mean", in32[3], in64[3]);
        close("running var", in32[4], in64[4]);
        assertThat(in32[3].sub(uniform(29, -0.5, 0.5, 3).castTo(DataType.FLOAT)).amaxNumber().doubleValue())
                .as("running mean moved").isGreaterThan(1e-3);
    }

    @Test
    void batchNormAndPools() {
        INDArray[] bn = {uniform(16, -2, 2, 4, 3, 3, 3), uniform(17, 0.5, 1.5, 3), uniform(18, -1, 1, 3),
            uniform(19, -0.5, 0.5, 3), uniform(20, 0.5, 2, 3)};
        compare("BatchNorm training", op("BatchNormalization", 5), bn, true);
        compare("BatchNorm inference", op("BatchNormalization", 5), bn, false);
        INDArray x = distinct(21, 2, 3, 7, 7);
        compare("MaxPool asym", op("MaxPool", 1, "kernel_shape", ints(3, 3), "strides", ints(2, 2),
                "pads", ints(0, 0, 1, 1)), new INDArray[] {x}, true);
        compare("MaxPool dilated", op("MaxPool", 1, "kernel_shape", ints(2, 2), "dilations", ints(2, 2)),
                new INDArray[] {x}, true);
        compare("AveragePool asym cip 0", op("AveragePool", 1, "kernel_shape", ints(3, 3), "pads", ints(1, 0, 0, 1)),
                new INDArray[] {x}, true);
        compare("AveragePool sym cip 1", op("AveragePool", 1, "kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1),
                "count_include_pad", 1L), new INDArray[] {x}, true);
        compare("GlobalAveragePool", op("GlobalAveragePool", 1), new INDArray[] {x}, true);
    }
}
