package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class BatchNormOpTest {

    private static INDArray[] inputs(long... xShape) {
        long c = xShape[1];
        return new INDArray[] {
            uniform(1, -2, 3, xShape),
            uniform(2, 0.5, 1.5, c),
            uniform(3, -0.5, 0.5, c),
            uniform(4, -0.2, 0.2, c),
            uniform(5, 0.5, 2.0, c)};
    }

    @Test
    void trainingUsesBatchStatistics() {
        Op op = op("BatchNormalization", 5, "epsilon", 1e-3);
        INDArray[] in = inputs(3, 2, 3, 3);
        INDArray y = op.forward(in, new OpContext(true))[0];
        // normalized with batch statistics: per channel, mean(y) = B and var(y) = scale^2 * var/(var+eps)
        for (int c = 0; c < 2; c++) {
            INDArray yc = y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c));
            assertThat(yc.meanNumber().doubleValue()).isCloseTo(in[2].getDouble(c), within(1e-12));
        }
        GradientCheck.check("BatchNorm training (batch stats) NCHW", op, in, new int[] {0, 1, 2}, true, false, 7);
    }

    @Test
    void trainingTwoD() {
        Op op = op("BatchNormalization", 5);
        INDArray[] in = inputs(6, 4);
        GradientCheck.check("BatchNorm training (batch stats) [N,C]", op, in, new int[] {0, 1, 2}, true, false, 8);
    }

    @Test
    void frozenAndInferenceUseRunningStatistics() {
        Op op = op("BatchNormalization", 5, "epsilon", 1e-3);
        INDArray[] in = inputs(2, 3, 3, 2);
        INDArray runMean = in[3].dup();
        INDArray runVar = in[4].dup();
        INDArray yFrozen = op.forward(in, new OpContext(true, true))[0];
        INDArray yInfer = op.forward(in, new OpContext(false))[0];
        assertThat(yFrozen.equalsWithEps(yInfer, 0)).isTrue();
        assertThat(in[3].equalsWithEps(runMean, 0)).as("running mean untouched").isTrue();
        assertThat(in[4].equalsWithEps(runVar, 0)).as("running var untouched").isTrue();
        double x = in[0].getDouble(0, 1, 2, 1);
        double expected = in[1].getDouble(1) * (x - runMean.getDouble(1)) / Math.sqrt(runVar.getDouble(1) + 1e-3)
                + in[2].getDouble(1);
        assertThat(yInfer.getDouble(0, 1, 2, 1)).isCloseTo(expected, within(1e-12));
        GradientCheck.check("BatchNorm frozen (running stats)", op, in, new int[] {0, 1, 2}, true, true, 9);
        GradientCheck.check("BatchNorm inference", op, in, new int[] {0, 1, 2}, false, false, 10);
    }

    @Test
    void runningStatisticsFollowMomentumWithUnbiasedVariance() {
        Op op = op("BatchNormalization", 5, "momentum", 0.8);
        INDArray[] in = inputs(4, 3, 2, 2);
        INDArray mean0 = in[3].dup();
        INDArray var0 = in[4].dup();
        op.forward(in, new OpContext(true));
        long n = 4 * 2 * 2;
        for (int c = 0; c < 3; c++) {
            INDArray xc = in[0].get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c)).dup();
            double m = xc.meanNumber().doubleValue();
            double ss = 0;
            for (long i = 0; i < xc.length(); i++) {
                ss += (xc.getDouble(i) - m) * (xc.getDouble(i) - m);
            }
            double unbiased = ss / (n - 1);
            assertThat(in[3].getDouble(c)).isCloseTo(0.8 * mean0.getDouble(c) + 0.2 * m, within(1e-12));
            assertThat(in[4].getDouble(c)).isCloseTo(0.8 * var0.getDouble(c) + 0.2 * unbiased, within(1e-12));
        }
        INDArray[] none = op.backward(in, null, new INDArray[] {uniform(11, -1, 1, 4, 3, 2, 2)}, contextAfterForward(op, in));
        assertThat(none[3]).isNull();
        assertThat(none[4]).isNull();
    }

    private static OpContext contextAfterForward(Op op, INDArray[] in) {
        OpContext ctx = new OpContext(true);
        op.forward(in, ctx);
        return ctx;
    }
}
