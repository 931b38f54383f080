package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.Symmetry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ClampRange, half-even fixed-point rounding, lookup tables, Mul, Concat and broadcasting Add. */
class Int8ElementwiseTest {
    private static final QuantParams OUT = QuantParams.perTensor(0.05, -20, 8, Symmetry.ASYMMETRIC);

    @Test
    void clampRangeOfReluRelu6AndGeneralClips() {
        assertThat(ClampRange.of(0, Double.POSITIVE_INFINITY, OUT)).isEqualTo(new ClampRange(-20, 127));
        assertThat(ClampRange.of(0, 6, OUT)).isEqualTo(new ClampRange(-20, 100)); // -20 + 6 / 0.05
        assertThat(ClampRange.of(0, 6, OUT)).isEqualTo(ClampRange.of(FusedActivation.RELU6, OUT));
        assertThat(ClampRange.of(0, 3, OUT)).isEqualTo(new ClampRange(-20, 40));
        assertThat(ClampRange.of(-0.5, 1.0, OUT)).isEqualTo(new ClampRange(-30, 0));
        assertThat(ClampRange.of(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, OUT))
                .isEqualTo(new ClampRange(-128, 127));
        assertThat(ClampRange.of(20, 30, OUT)).as("clip above the representable range").isEqualTo(new ClampRange(127, 127));
        QuantParams four = QuantParams.perTensor(0.5, -3, 4, Symmetry.ASYMMETRIC);
        assertThat(ClampRange.of(0, 6, four)).as("4-bit range [-8, 7]").isEqualTo(new ClampRange(-3, 7));
        assertThat(ClampRange.of(FusedActivation.RELU6, four)).isEqualTo(new ClampRange(-3, 7));
        assertThatThrownBy(() -> ClampRange.of(2, 1, OUT)).hasMessageContaining("clip [2.0, 1.0] is not allowed");
    }

    /** quantize(clip(v)) == clamp(quantize(v)) for random reals and clips, 8 and 3 bits. */
    @Test
    void clampRangeIsExactlyTheQuantizedClip() {
        Random rnd = new Random(3);
        for (int bits : new int[] {8, 3}) {
            for (int trial = 0; trial < 200; trial++) {
                int qmin = -(1 << (bits - 1));
                int qmax = (1 << (bits - 1)) - 1;
                QuantParams p = QuantParams.perTensor(0.01 + rnd.nextDouble(), qmin + rnd.nextInt(qmax - qmin + 1), bits,
                        Symmetry.ASYMMETRIC);
                double lo = -3 * rnd.nextDouble();
                double hi = lo + 5 * rnd.nextDouble();
                ClampRange r = ClampRange.of(lo, hi, p);
                for (int k = 0; k < 50; k++) {
                    double v = (rnd.nextDouble() - 0.5) * 600 * p.scale(0);
                    assertThat(r.apply(q(v, p))).isEqualTo(q(Math.min(hi, Math.max(lo, v)), p));
                }
            }
        }
    }

    private static int q(double v, QuantParams p) {
        return (int) Math.max(p.qmin(), Math.min(p.qmax(), Math.rint(v / p.scale(0)) + p.zeroPoint(0)));
    }

    /** multiplyRoundHalfEven == the exact rational x * M0 / 2^(31+shift) rounded half-even (BigDecimal). */
    @Test
    void multiplyRoundHalfEvenIsTheExactProductRoundedHalfToEven() {
        Random rnd = new Random(11);
        for (int i = 0; i < 20000; i++) {
            double mReal = Math.scalb(0.5 + rnd.nextDouble() / 2, -rnd.nextInt(20) + 3);
            FixedPointMultiplier m = FixedPointMultiplier.of(mReal);
            int x = i % 4 == 0 ? rnd.nextInt() : rnd.nextInt(1 << 16) - (1 << 15);
            BigDecimal exact = BigDecimal.valueOf(x).multiply(BigDecimal.valueOf(m.m0()))
                    .divide(BigDecimal.valueOf(2).pow(31 + m.shift()));
            long want = exact.setScale(0, RoundingMode.HALF_EVEN).max(BigDecimal.valueOf(Integer.MIN_VALUE))
                    .min(BigDecimal.valueOf(Integer.MAX_VALUE)).longValueExact();
            assertThat(FixedPoint.multiplyRoundHalfEven(x, m)).as("x=%d m=%s", x, m).isEqualTo((int) want);
        }
        FixedPointMultiplier quarter = FixedPointMultiplier.of(0.25);
        assertThat(FixedPoint.multiplyRoundHalfEven(2, quarter)).isZero();    // 0.5 -> 0
        assertThat(FixedPoint.multiplyRoundHalfEven(6, quarter)).isEqualTo(2); // 1.5 -> 2
        assertThat(FixedPoint.multiplyRoundHalfEven(-6, quarter)).isEqualTo(-2);
        assertThat(FixedPoint.multiplyRoundHalfEven(-10, quarter)).isEqualTo(-2); // -2.5 -> -2
    }

    /** The vectorized HALF_EVEN requantizer equals the scalar path, per tensor and per channel. */
    @Test
    void halfEvenRequantizerLoopMatchesScalarApply() {
        Random rnd = new Random(5);
        FixedPointMultiplier[] ms = {FixedPointMultiplier.of(0.0031), FixedPointMultiplier.of(0.7),
                FixedPointMultiplier.of(1.9), FixedPointMultiplier.of(0)};
        int[] acc = new int[4 * 37];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = rnd.nextInt(1 << 20) - (1 << 19);
        }
        Requantizer perChannel = new Requantizer(ms, 3, -100, 90, RequantRounding.HALF_EVEN);
        byte[] y = perChannel.apply(acc, 37);
        Requantizer perTensor = new Requantizer(new FixedPointMultiplier[] {ms[0]}, -7, -128, 127,
                RequantRounding.HALF_EVEN);
        byte[] z = perTensor.apply(acc, 1);
        for (int i = 0; i < acc.length; i++) {
            assertThat((int) y[i]).isEqualTo(perChannel.apply(acc[i], i / 37));
            assertThat((int) z[i]).isEqualTo(perTensor.apply(acc[i], 0));
        }
    }

    @Test
    void sigmoidTableIsQuantizeOfSigmoidOfDequantize() {
        for (int bits : new int[] {8, 4}) {
            QuantParams in = QuantParams.perTensor(bits == 8 ? 0.06 : 0.9, bits == 8 ? 10 : -2, bits, Symmetry.ASYMMETRIC);
            QuantParams out = QuantParams.perTensor(bits == 8 ? 1.0 / 255 : 1.0 / 15, bits == 8 ? -128 : -8, bits,
                    Symmetry.ASYMMETRIC);
            Int8Lut lut = Int8Lut.sigmoid(in, out);
            for (int q = in.qmin(); q <= in.qmax(); q++) {
                double s = 1 / (1 + Math.exp(-in.scale(0) * (q - in.zeroPoint(0))));
                assertThat(lut.apply(q)).isEqualTo(q(s, out)).isBetween(out.qmin(), out.qmax());
            }
        }
    }

    @Test
    void requantizeTableIsNullForIdenticalEncodingsAndRoundsOtherwise() {
        assertThat(Int8Lut.requantize(OUT, OUT)).isNull();
        QuantParams four = QuantParams.perTensor(0.05, -20, 8, Symmetry.ASYMMETRIC);
        assertThat(Int8Lut.requantize(four, OUT)).isNull();
        QuantParams in = QuantParams.perTensor(0.08, 7, 8, Symmetry.ASYMMETRIC);
        Int8Lut lut = Int8Lut.requantize(in, OUT);
        for (int q = -128; q <= 127; q++) {
            assertThat(lut.apply(q)).isEqualTo(q(in.scale(0) * (q - 7), OUT));
        }
        // narrower output range saturates to its own b bits
        QuantParams out4 = QuantParams.perTensor(0.05, -2, 4, Symmetry.ASYMMETRIC);
        Int8Lut narrow = Int8Lut.requantize(OUT, out4);
        assertThat(narrow.apply(127)).isEqualTo(7);
        assertThat(narrow.apply(-128)).isEqualTo(-8);
    }

    @Test
    void mulWithBroadcastingMatchesTheRoundedRealProduct() {
        Random rnd = new Random(9);
        QuantParams pa = QuantParams.perTensor(0.04, -5, 8, Symmetry.ASYMMETRIC);
        QuantParams pb = QuantParams.perTensor(0.011, 30, 8, Symmetry.ASYMMETRIC);
        INDArray a = Int8Reference.randomInt8(rnd, 2, 3, 4, 5);
        INDArray b = Int8Reference.randomInt8(rnd, 3, 1, 5);
        INDArray y = new Int8Mul(pa, pb, OUT).forward(a, b);
        assertThat(y.shape()).containsExactly(2, 3, 4, 5);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 5; w++) {
                        double real = pa.scale(0) * (a.getInt(n, c, h, w) + 5) * pb.scale(0) * (b.getInt(c, 0, w) - 30);
                        assertThat(y.getInt(n, c, h, w)).isEqualTo(q(real, OUT));
                    }
                }
            }
        }
        assertThatThrownBy(() -> new Int8Mul(pa, pb, OUT).forward(a, b.reshape(5, 3, 1)))
                .hasMessageContaining("int8 mul: shapes [2, 3, 4, 5] and [5, 3, 1] do not broadcast");
    }

    @Test
    void mulOfEveryInt8PairIsItsOneElementProduct() {
        QuantParams pa = QuantParams.perTensor(0.04, -5, 8, Symmetry.ASYMMETRIC);
        QuantParams pb = QuantParams.perTensor(0.011, 30, 8, Symmetry.ASYMMETRIC);
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) (i - 128);
        }
        INDArray a = Int8Arrays.int8(all, 256, 1);
        INDArray b = Int8Arrays.int8(all.clone(), 1, 256);
        Int8Mul mul = new Int8Mul(pa, pb, OUT);
        INDArray y = mul.forward(a, b); // broadcast: [256, 256]
        INDArray flat = mul.forward(a.broadcast(256, 256).dup('c'), b.broadcast(256, 256).dup('c')); // equal shapes
        for (int i = 0; i < 256; i++) {
            for (int j = 0; j < 256; j++) {
                int expected = mul.apply(i - 128, j - 128);
                assertThat(y.getInt(i, j)).as("a %d b %d", i - 128, j - 128).isEqualTo(expected);
                assertThat(flat.getInt(i, j)).isEqualTo(expected);
            }
        }
    }

    @Test
    void addBroadcastEqualsPlainAddOnExpandedInput() {
        Random rnd = new Random(13);
        QuantParams pa = QuantParams.perTensor(0.04, -5, 8, Symmetry.ASYMMETRIC);
        QuantParams pb = QuantParams.perTensor(0.1, 12, 8, Symmetry.ASYMMETRIC);
        INDArray a = Int8Reference.randomInt8(rnd, 2, 3, 4, 4);
        INDArray b = Int8Reference.randomInt8(rnd, 2, 3, 1, 1);
        Int8Add add = new Int8Add(pa, pb, OUT, ClampRange.of(-0.3, 2.0, OUT));
        INDArray expanded = b.broadcast(2, 3, 4, 4).dup('c');
        assertThat(add.forwardBroadcast(a, b)).isEqualTo(add.forward(a, expanded));
        assertThat(add.forwardBroadcast(a, expanded)).isEqualTo(add.forward(a, expanded));
        INDArray y = add.forwardBroadcast(a, b).castTo(DataType.INT32);
        assertThat(y.minNumber().intValue()).as("clip min -0.3 -> -20 + rint(-6)").isEqualTo(-26);
        assertThat(y.maxNumber().intValue()).as("clip max 2.0 -> -20 + 40").isEqualTo(20);
    }

    @Test
    void concatCopiesEqualEncodingsAndRequantizesOthers() {
        Random rnd = new Random(17);
        QuantParams other = QuantParams.perTensor(0.08, 7, 8, Symmetry.ASYMMETRIC);
        INDArray a = Int8Reference.randomInt8(rnd, 2, 3, 2, 2);
        INDArray b = Int8Reference.randomInt8(rnd, 2, 1, 2, 2);
        INDArray y = new Int8Concat(List.of(OUT, other), OUT, 1).forward(List.of(a, b));
        assertThat(y.shape()).containsExactly(2, 4, 2, 2);
        for (int n = 0; n < 2; n++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 2; w++) {
                    for (int c = 0; c < 3; c++) {
                        assertThat(y.getInt(n, c, h, w)).isEqualTo(a.getInt(n, c, h, w));
                    }
                    assertThat(y.getInt(n, 3, h, w)).isEqualTo(q(0.08 * (b.getInt(n, 0, h, w) - 7), OUT));
                }
            }
        }
        assertThatThrownBy(() -> new Int8Concat(List.of(OUT, other), OUT, 1).forward(List.of(a, b.reshape(2, 1, 4, 1))))
                .hasMessageContaining("int8 concat: input 1 shape [2, 1, 4, 1] does not match input 0 shape"
                        + " [2, 3, 2, 2] outside axis 1");
    }
}
