package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.awayFromZero;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class ActivationOpsTest {

    @Test
    void relu() {
        Op op = op("Relu", 1);
        INDArray x = awayFromZero(1, 0.05, 1, 2, 3, 4);
        INDArray y = op.forward(new INDArray[] {x}, new OpContext(false))[0];
        assertThat(y.equalsWithEps(Transforms.max(x, 0.0, true), 0)).isTrue();
        GradientCheck.check("Relu", op, new INDArray[] {x}, 0);
    }

    /** Values in [-8, 8] kept at least 0.01 from the bounds. */
    private static INDArray awayFrom(long seed, double lo, double hi) {
        INDArray x = uniform(seed, -8, 8, 3, 4, 5);
        for (long i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            if (Math.abs(v - lo) < 0.01 || Math.abs(v - hi) < 0.01) {
                x.putScalar(i, v + 0.05);
            }
        }
        return x;
    }

    @Test
    void clipRelu6() {
        Op op = op("Clip", 3);
        INDArray x = awayFrom(2, 0, 6);
        INDArray[] in = {x, Nd4j.scalar(0.0), Nd4j.scalar(6.0)};
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.equalsWithEps(Transforms.min(Transforms.max(x, 0.0, true), 6.0, false), 0)).isTrue();
        assertThat(y.minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(y.maxNumber().doubleValue()).isEqualTo(6.0);
        GradientCheck.check("Clip(0,6)", op, in, 0);
        INDArray g = op.backward(in, new INDArray[] {y}, new INDArray[] {Nd4j.onesLike(x)}, new OpContext(true))[0];
        assertThat(g.sumNumber().doubleValue()).isEqualTo(x.gte(0.0).castTo(DataType.DOUBLE)
                .muli(x.lte(6.0).castTo(DataType.DOUBLE)).sumNumber().doubleValue());
    }

    @Test
    void clipOnlyMaxAndNoBounds() {
        INDArray x = awayFrom(3, -1, 1);
        Op op = op("Clip", 3);
        INDArray[] onlyMax = {x, null, Nd4j.scalar(1.0)};
        assertThat(op.forward(onlyMax, new OpContext(false))[0].minNumber().doubleValue())
                .isEqualTo(x.minNumber().doubleValue());
        GradientCheck.check("Clip(-inf,1)", op, onlyMax, 0);
        Op none = op("Clip", 1);
        INDArray[] noBounds = {x};
        assertThat(none.forward(noBounds, new OpContext(false))[0].equalsWithEps(x, 0)).isTrue();
        GradientCheck.check("Clip no bounds", none, noBounds, 0);
    }

    @Test
    void clipWorksInFloat32() {
        Op op = op("Clip", 3);
        INDArray x = uniform(4, -8, 8, 10).castTo(DataType.FLOAT);
        INDArray[] in = {x, Nd4j.scalar(DataType.FLOAT, -1.0), Nd4j.scalar(DataType.FLOAT, 1.0)};
        INDArray y = op.forward(in, new OpContext(false))[0];
        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
        INDArray g = op.backward(in, new INDArray[] {y}, new INDArray[] {Nd4j.onesLike(x)}, new OpContext(true))[0];
        assertThat(g.dataType()).isEqualTo(DataType.FLOAT);
    }

    @Test
    void sigmoid() {
        Op op = op("Sigmoid", 1);
        INDArray x = uniform(5, -4, 4, 2, 3, 4);
        INDArray y = op.forward(new INDArray[] {x}, new OpContext(false))[0];
        assertThat(y.getDouble(0)).isCloseTo(1 / (1 + Math.exp(-x.getDouble(0))), org.assertj.core.data.Offset.offset(1e-12));
        GradientCheck.check("Sigmoid", op, new INDArray[] {x}, 0);
    }
}
