package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FixedPointTest {
    private static final int[] EDGES = {0, 1, -1, 2, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1,
        1 << 30, -(1 << 30), (1 << 30) + 1, 12345, -12345, 0x7fff, -0x8000};

    @Test
    void highMulIsTheRoundedDoubledHighWordWithTiesUp() {
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
        // exact ties: a*b = +-2^30 is +-0.5 after the division by 2^31
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(1 << 15, 1 << 15)).isEqualTo(1);
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15)).isEqualTo(0);
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(3 << 15, 1 << 15)).isEqualTo(2);   // 1.5 -> 2
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(-3 << 15, 1 << 15)).isEqualTo(-1); // -1.5 -> -1
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            int a = i < EDGES.length * EDGES.length ? EDGES[i % EDGES.length] : rnd.nextInt();
            int b = i < EDGES.length * EDGES.length ? EDGES[i / EDGES.length] : rnd.nextInt();
            if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
                continue;
            }
            long expected = Math.floorDiv((long) a * b + (1L << 30), 1L << 31);
            assertThat(FixedPoint.saturatingRoundingDoublingHighMul(a, b)).as(a + " * " + b).isEqualTo((int) expected);
        }
    }

    @Test
    void roundingDivideByPowerOfTwoRoundsHalfAwayFromZero() {
        assertThat(FixedPoint.roundingDivideByPOT(5, 1)).isEqualTo(3);    // 2.5 -> 3
        assertThat(FixedPoint.roundingDivideByPOT(-5, 1)).isEqualTo(-3);  // -2.5 -> -3
        assertThat(FixedPoint.roundingDivideByPOT(-3, 1)).isEqualTo(-2);
        assertThat(FixedPoint.roundingDivideByPOT(-7, 2)).isEqualTo(-2);  // -1.75
        assertThat(FixedPoint.roundingDivideByPOT(Integer.MIN_VALUE, 31)).isEqualTo(-1);
        assertThat(FixedPoint.roundingDivideByPOT(Integer.MAX_VALUE, 31)).isEqualTo(1);
        Random rnd = new Random(2);
        for (int i = 0; i < 200_000; i++) {
            int x = i < EDGES.length * 32 ? EDGES[i % EDGES.length] : rnd.nextInt() >> rnd.nextInt(31);
            int n = i < EDGES.length * 32 ? i / EDGES.length : rnd.nextInt(32);
            long ax = Math.abs((long) x);
            long expected = n == 0 ? x : Long.signum(x) * ((ax + (1L << (n - 1))) >> n);
            assertThat(FixedPoint.roundingDivideByPOT(x, n)).as(x + " / 2^" + n).isEqualTo((int) expected);
        }
        assertThatThrownBy(() -> FixedPoint.roundingDivideByPOT(1, 32)).hasMessageContaining("exponent 32");
    }

    @Test
    void multiplierDecompositionIncludingTheRoundsTo2Pow31Edge() {
        assertThat(FixedPointMultiplier.of(0.5)).isEqualTo(new FixedPointMultiplier(1 << 30, 0));
        assertThat(FixedPointMultiplier.of(0.75)).isEqualTo(new FixedPointMultiplier(3 << 29, 0));
        assertThat(FixedPointMultiplier.of(0.25)).isEqualTo(new FixedPointMultiplier(1 << 30, 1));
        assertThat(FixedPointMultiplier.of(0x1p-31)).isEqualTo(new FixedPointMultiplier(1 << 30, 30));
        assertThat(FixedPointMultiplier.of(3.0)).isEqualTo(new FixedPointMultiplier(3 << 29, -2));
        // f * 2^31 rounds to 2^31: halve M0, one shift less
        assertThat(FixedPointMultiplier.of(0.5 - 0x1p-40)).isEqualTo(new FixedPointMultiplier(1 << 30, 0));
        assertThat(FixedPointMultiplier.of(1.0 - 0x1p-40)).isEqualTo(new FixedPointMultiplier(1 << 30, -1));
        assertThat(FixedPointMultiplier.of(0)).isEqualTo(new FixedPointMultiplier(0, 0));
        assertThat(FixedPointMultiplier.of(0x1p-33)).isEqualTo(new FixedPointMultiplier(0, 0));
        assertThatThrownBy(() -> FixedPointMultiplier.of(-0.1)).hasMessageContaining("M = -0.1 is not allowed");
        assertThatThrownBy(() -> FixedPointMultiplier.of(Double.NaN)).hasMessageContaining("M = NaN is not allowed");
        assertThatThrownBy(() -> FixedPointMultiplier.of(0x1p31)).hasMessageContaining("(0 <= M < 2^30)");
        Random rnd = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            double m = Math.exp(-20 + 24 * rnd.nextDouble());
            FixedPointMultiplier fm = FixedPointMultiplier.of(m);
            assertThat(Math.abs(fm.value() - m) / m).as("M = " + m).isLessThanOrEqualTo(0x1p-31);
        }
    }

    @Test
    void multiplyIsTheRoundedProductUpToTheQ31Error() {
        Random rnd = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            double m = Math.exp(-16 + 18 * rnd.nextDouble()); // 1e-7 .. 7.4
            int acc = rnd.nextInt(1 << 22) - (1 << 21);
            double exact = acc * m;
            FixedPointMultiplier fm = FixedPointMultiplier.of(m);
            int got = FixedPoint.multiply(acc, fm);
            // Two roundings: the high multiply rounds at 2^-shift of an output step, then the shift
            // rounds again (gemmlowp's double rounding), and M0 is off by at most 2^-31 relative:
            // |got - exact| <= 1/2 + 2^-(shift+1) + |exact| 2^-30.
            double bound = 0.5 + (fm.shift() > 0 ? Math.scalb(0.5, -fm.shift()) : 0) + Math.abs(exact) * 0x1p-30;
            assertThat(Math.abs(got - exact)).as(acc + " * " + m).isLessThanOrEqualTo(bound);
            int once = FixedPoint.multiplyRoundOnce(acc, fm);
            assertThat(Math.abs(once - exact)).as("once " + acc + " * " + m)
                    .isLessThanOrEqualTo(0.5 + Math.abs(exact) * 0x1p-30);
        }
    }

    @Test
    void requantizerAppliesPerChannelMultiplierZeroPointAndClamp() {
        FixedPointMultiplier[] m = {FixedPointMultiplier.of(0.5), FixedPointMultiplier.of(0.25)};
        Requantizer rq = new Requantizer(m, 3, -128, 127);
        // NCHW [1, 2, 1, 3]: channel of element i is (i / 3) % 2
        INDArray acc = Nd4j.createFromArray(new int[] {10, 11, -11, 10, 11, 1000}).reshape(1, 2, 1, 3);
        INDArray y = rq.apply(acc, 1);
        assertThat(y.dataType()).isEqualTo(org.nd4j.linalg.api.buffer.DataType.INT8);
        assertThat(y.shape()).containsExactly(1, 2, 1, 3);
        assertThat(y.ravel().toIntVector()).containsExactly(8, 9, -2, 6, 6, 127);
        Requantizer relu6 = Requantizer.forLayer(0.1, new double[] {0.1}, 0.05, -100, -128, 127,
                FusedActivation.RELU6);
        assertThat(relu6.lo()).isEqualTo(-100);
        assertThat(relu6.hi()).isEqualTo(20);  // -100 + rint(6 / 0.05)
        assertThat(relu6.apply(-1000, 0)).isEqualTo(-100);
        assertThat(relu6.apply(100_000, 0)).isEqualTo(20);
        assertThat(relu6.apply(100, 0)).isEqualTo(-80);  // 100 * 0.2 - 100
    }
}
