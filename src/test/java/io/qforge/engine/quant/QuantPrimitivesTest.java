package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class QuantPrimitivesTest {

    @Test
    void symmetricParamsPerChannelWithZeroChannelGuard() {
        QuantParams p = QuantPrimitives.chooseSymmetric(new double[] {-2.54, 0, -0.1}, new double[] {1.0, 0, 0.5}, 8, 0);
        assertThat(p.qmin()).isEqualTo(-127);
        assertThat(p.qmax()).isEqualTo(127);
        assertThat(p.scale(0)).isCloseTo(2.54 / 127, within(1e-15));
        assertThat(p.scale(1)).isEqualTo(QuantPrimitives.ZERO_RANGE_SCALE);
        assertThat(p.scale(2)).isCloseTo(0.5 / 127, within(1e-15));
        assertThat(p.zeroPoints()).containsExactly(0, 0, 0);
        assertThat(p.axis()).isZero();
    }

    @Test
    void asymmetricParamsWidenToIncludeZeroAndRoundTheZeroPoint() {
        // min -1.2, max 3.4: s = 4.6 / 255, z = rint(-128 + 1.2 / s) = rint(-61.478...) = -61
        QuantParams p = QuantPrimitives.chooseAsymmetric(-1.2, 3.4, 8);
        assertThat(p.scale(0)).isCloseTo(4.6 / 255, within(1e-15));
        assertThat(p.zeroPoint(0)).isEqualTo((int) Math.rint(-128 + 1.2 / (4.6 / 255)));
        assertThat(p.zeroPoint(0)).isEqualTo(-61);
        // all positive: widened to [0, 2]: z = qmin, real 0 is exact
        QuantParams pos = QuantPrimitives.chooseAsymmetric(0.5, 2.0, 8);
        assertThat(pos.scale(0)).isCloseTo(2.0 / 255, within(1e-15));
        assertThat(pos.zeroPoint(0)).isEqualTo(-128);
        // all negative: widened to [-3, 0]: z = qmax
        QuantParams neg = QuantPrimitives.chooseAsymmetric(-3, -1, 8);
        assertThat(neg.zeroPoint(0)).isEqualTo(127);
        // 4 bits
        QuantParams four = QuantPrimitives.chooseAsymmetric(-1, 1, 4);
        assertThat(four.qmin()).isEqualTo(-8);
        assertThat(four.qmax()).isEqualTo(7);
        assertThat(four.scale(0)).isCloseTo(2.0 / 15, within(1e-15));
        assertThat(four.zeroPoint(0)).isEqualTo(0); // rint(-8 + 7.5) = rint(-0.5) = -0 (half to even)
    }

    @Test
    void quantizeRoundsHalfToEven() {
        QuantParams p = QuantParams.perTensor(1.0, 0, 8, Symmetry.ASYMMETRIC);
        INDArray x = Nd4j.createFromArray(0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, 127.5, -128.5, 1000, -1000);
        INDArray q = QuantPrimitives.quantize(x, p);
        assertThat(q.dataType()).isEqualTo(DataType.INT8);
        assertThat(q.toIntVector()).containsExactly(0, 2, 2, 0, -2, -2, 126, 127, -128, 127, -128);
    }

    @Test
    void quantizeDequantizeWithZeroPoint() {
        QuantParams p = QuantParams.perTensor(0.1, -10, 8, Symmetry.ASYMMETRIC);
        INDArray x = Nd4j.createFromArray(new float[] {0f, 0.26f, -1.0f, 20f, -20f});
        INDArray q = QuantPrimitives.quantize(x, p);
        assertThat(q.toIntVector()).containsExactly(-10, -7, -20, 127, -128);
        INDArray d = QuantPrimitives.dequantize(q, p, DataType.FLOAT);
        assertThat(d.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(d.toFloatVector()).containsExactly(new float[] {0f, 0.3f, -1.0f, 13.7f, -11.8f}, within(1e-5f));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void fakeQuantizePerChannelOnAnyAxisMatchesScalarReference(DataType type) {
        Random rnd = new Random(7);
        long[] shape = {3, 4, 5, 2};
        INDArray x = Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(6).castTo(type);
        for (int axis = 0; axis < 4; axis++) {
            int c = (int) shape[axis];
            double[] s = new double[c];
            int[] z = new int[c];
            for (int i = 0; i < c; i++) {
                s[i] = 0.005 + 0.03 * rnd.nextDouble();
                z[i] = rnd.nextInt(41) - 20;
            }
            QuantParams p = QuantParams.perChannel(s, z, axis, 8, Symmetry.ASYMMETRIC);
            QuantPrimitives.FakeQuantResult r = QuantPrimitives.fakeQuantizeWithMask(x, p);
            INDArray q = QuantPrimitives.quantize(x, p);
            assertThat(r.output().dataType()).isEqualTo(type);
            int clipped = 0;
            for (long i = 0; i < x.length(); i++) {
                long[] idx = org.nd4j.linalg.api.shape.Shape.ind2subC(shape, i);
                int ch = (int) idx[axis];
                double sc = type == DataType.FLOAT ? (float) s[ch] : s[ch];
                double v = type == DataType.FLOAT ? (float) (x.getFloat(idx) / (float) sc) : x.getDouble(idx) / sc;
                double rq = Math.rint(v) + z[ch];
                double qq = Math.max(-128, Math.min(127, rq));
                assertThat((int) q.getDouble(idx)).isEqualTo((int) qq);
                assertThat(r.output().getDouble(idx)).isCloseTo(sc * (qq - z[ch]), within(1e-5));
                assertThat(r.inside().getDouble(idx)).isEqualTo(rq == qq ? 1.0 : 0.0);
                clipped += rq == qq ? 0 : 1;
            }
            assertThat(clipped).as("some values are clipped on axis " + axis).isPositive();
        }
    }

    @Test
    void fakeQuantizeIsIdempotentAndEqualsDequantizeOfQuantize() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 8, 3, 3);
        QuantParams p = QuantPrimitives.chooseSymmetric(new double[16], maxAbs(x), 8, 0);
        INDArray fq = QuantPrimitives.fakeQuantize(x, p);
        assertThat(QuantPrimitives.fakeQuantize(fq, p)).isEqualTo(fq);
        assertThat(QuantPrimitives.dequantize(QuantPrimitives.quantize(x, p), p, DataType.FLOAT)).isEqualTo(fq);
        // symmetric max|w| per channel is exactly representable: the error is at most half a step
        INDArray err = fq.sub(x);
        for (int c = 0; c < 16; c++) {
            assertThat(err.slice(c).amaxNumber().doubleValue()).isLessThanOrEqualTo(p.scale(c) / 2 * (1 + 1e-6));
        }
    }

    @Test
    void biasQuantizationUsesInputTimesWeightScale() {
        INDArray b = Nd4j.createFromArray(0.1, -0.25, 1e9);
        INDArray q = QuantPrimitives.quantizeBias(b, 0.01, new double[] {0.5, 0.1, 1e-3});
        assertThat(q.dataType()).isEqualTo(DataType.INT32);
        assertThat(q.toIntVector()).containsExactly(20, -250, Integer.MAX_VALUE);
    }

    @Test
    void badInputsNameTheProblem() {
        QuantParams p = QuantParams.perChannel(new double[] {1, 1}, new int[] {0, 0}, 1, 8, Symmetry.SYMMETRIC);
        assertThatThrownBy(() -> QuantPrimitives.fakeQuantize(Nd4j.rand(DataType.FLOAT, 3, 4), p))
                .hasMessageContaining("2 channels but axis 1 of shape [3, 4] has 4");
        assertThatThrownBy(() -> QuantParams.perTensor(0, 0, 8, Symmetry.SYMMETRIC))
                .hasMessageContaining("scale[0] = 0.0 is not allowed (positive and finite)");
        assertThatThrownBy(() -> QuantParams.perTensor(1, 3, 8, Symmetry.SYMMETRIC))
                .hasMessageContaining("zeroPoint[0] = 3 is not allowed for symmetric params (0)");
        assertThatThrownBy(() -> QuantParams.perTensor(1, 200, 8, Symmetry.ASYMMETRIC))
                .hasMessageContaining("zeroPoint[0] = 200 is not allowed ([-128, 127])");
        assertThatThrownBy(() -> QuantPrimitives.fakeQuantize(Nd4j.createFromArray(1, 2), p))
                .hasMessageContaining("input type INT is not allowed");
    }

    static double[] maxAbs(INDArray w) {
        return Nd4j.math().abs(w).max(1, 2, 3).castTo(DataType.DOUBLE).toDoubleVector();
    }
}
