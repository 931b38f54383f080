package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.quant.Symmetry;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

class Int8PoolAddTest {

    @Test
    void maxPoolEqualsFloatMaxPoolOfTheDequantizedInputExactly() {
        Random rnd = new Random(40);
        QuantParams p = QuantParams.perTensor(0.05, -7, 8, Symmetry.ASYMMETRIC);
        INDArray xq = Int8Reference.randomInt8(rnd, 2, 3, 9, 8);
        for (ConvGeometry g : new ConvGeometry[] {ConvGeometry.of(2, 2, 0), ConvGeometry.of(3, 2, 1),
            ConvGeometry.of(3, 1, 1).withDilation(2, 1)}) {
            INDArray y = Int8MaxPool.forward(xq, g);
            INDArray xd = QuantPrimitives.dequantize(xq, p, DataType.DOUBLE);
            INDArray ref = Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(xd)
                    .addIntegerArguments(g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padTop(), g.padLeft(),
                            g.dilationH(), g.dilationW(), 0, 0, 0).build())[0];
            assertThat(y.shape()).isEqualTo(ref.shape());
            assertThat(Int8Arrays.ints(y)).containsExactly(Int8Arrays.ints(QuantPrimitives.quantize(ref, p)));
        }
    }

    @Test
    void averagePoolMatchesTheFloatReferenceWithin1Lsb() {
        Random rnd = new Random(41);
        INDArray xq = Int8Reference.randomInt8(rnd, 2, 4, 7, 7);
        QuantParams in = QuantParams.perTensor(0.04, 10, 8, Symmetry.ASYMMETRIC);
        QuantParams out = QuantParams.perTensor(0.03, -3, 8, Symmetry.ASYMMETRIC);
        INDArray xd = QuantPrimitives.dequantize(xq, in, DataType.DOUBLE);
        int diff = 0;
        for (boolean includePad : new boolean[] {false, true}) {
            ConvGeometry g = ConvGeometry.of(3, 2, 1);
            INDArray y = new Int8AveragePool(g, includePad, in, out).forward(xq);
            INDArray ref = Nd4j.exec(DynamicCustomOp.builder("avgpool2d").addInputs(xd)
                    .addIntegerArguments(3, 3, 2, 2, 1, 1, 1, 1, 0, includePad ? 1 : 0, 0).build())[0];
            diff += within1(Int8Arrays.ints(y), Int8Arrays.ints(QuantPrimitives.quantize(ref, out)));
        }
        INDArray gy = Int8AveragePool.global(xq, in, out);
        assertThat(gy.shape()).containsExactly(2, 4, 1, 1);
        INDArray gref = xd.mean(2, 3).reshape(2, 4, 1, 1);
        diff += within1(Int8Arrays.ints(gy), Int8Arrays.ints(QuantPrimitives.quantize(gref, out)));
        System.out.printf("MEASURE int8 average pool vs float reference: %d outputs differ by 1 LSB%n", diff);
        assertThat(diff).isLessThan(5);
    }

    @Test
    void addWithDifferentScalesMatchesTheFloatReferenceWithin1Lsb() {
        Random rnd = new Random(42);
        INDArray aq = Int8Reference.randomInt8(rnd, 4, 8, 16, 16);
        INDArray bq = Int8Reference.randomInt8(rnd, 4, 8, 16, 16);
        QuantParams pa = QuantParams.perTensor(0.02, 5, 8, Symmetry.ASYMMETRIC);
        QuantParams pb = QuantParams.perTensor(0.07, -20, 8, Symmetry.ASYMMETRIC);
        QuantParams py = QuantParams.perTensor(0.05, -10, 8, Symmetry.ASYMMETRIC);
        INDArray sum = QuantPrimitives.dequantize(aq, pa, DataType.DOUBLE)
                .add(QuantPrimitives.dequantize(bq, pb, DataType.DOUBLE));
        int diff = 0;
        for (FusedActivation act : FusedActivation.values()) {
            INDArray y = new Int8Add(pa, pb, py, act).forward(aq, bq);
            INDArray ref = QuantPrimitives.quantize(Int8Conv2dTest.clamp(sum, act), py);
            diff += within1(Int8Arrays.ints(y), Int8Arrays.ints(ref));
        }
        System.out.printf("MEASURE int8 add vs float reference: %d of %d outputs differ by 1 LSB%n", diff,
                3 * aq.length());
        assertThat((long) diff).isLessThan(3 * aq.length() / 100);
        assertThatThrownBy(() -> new Int8Add(pa, pb, py, FusedActivation.NONE).forward(aq, bq.reshape(4, 8, 256)))
                .hasMessageContaining("broadcasting is not supported");
    }

    /**
     * Issue 8: the add rounds {@code (s_a (a - z_a) + s_b (b - z_b)) / s_y} once, half to even, as the
     * float64 simulation does (DeepResidualAgreementTest). Every int8 pair, 40 random float32 scale and
     * zero-point triples: no output differs from the rounding of the float64 value (TFLite's two-step
     * scheme used before differed on 2 of these 2,621,440 outputs).
     */
    @Test
    void addRoundsTheExactSumOnceHalfToEven() {
        Random rnd = new Random(8);
        long differ = 0;
        for (int t = 0; t < 40; t++) {
            QuantParams pa = QuantParams.perTensor((float) (0.005 + rnd.nextDouble() * 0.1), rnd.nextInt(256) - 128, 8,
                    Symmetry.ASYMMETRIC);
            QuantParams pb = QuantParams.perTensor((float) (0.005 + rnd.nextDouble() * 0.1), rnd.nextInt(256) - 128, 8,
                    Symmetry.ASYMMETRIC);
            QuantParams py = QuantParams.perTensor((float) (0.01 + rnd.nextDouble() * 0.2), rnd.nextInt(256) - 128, 8,
                    Symmetry.ASYMMETRIC);
            Int8Add add = new Int8Add(pa, pb, py, FusedActivation.NONE);
            for (int a = -128; a < 128; a++) {
                for (int b = -128; b < 128; b++) {
                    double v = (pa.scale(0) * (a - pa.zeroPoint(0)) + pb.scale(0) * (b - pb.zeroPoint(0))) / py.scale(0);
                    long ref = Math.max(-128, Math.min(127, (long) Math.rint(v) + py.zeroPoint(0)));
                    differ += add.apply(a, b) == ref ? 0 : 1;
                }
            }
        }
        assertThat(differ).as("int8 add vs rint of the float64 sum, of %d", 40 * 65536).isZero();
    }

    @Test
    void reluAndRelu6AreClampsOnTheIntegers() {
        QuantParams p = QuantParams.perTensor(0.1, -28, 8, Symmetry.ASYMMETRIC);
        INDArray q = Nd4j.createFromArray(new byte[] {-128, -29, -28, -27, 31, 32, 33, 127});
        assertThat(Int8Arrays.ints(FusedActivation.RELU.apply(q, p))).containsExactly(-28, -28, -28, -27, 31, 32, 33,
                127);
        // ReLU6: hi = -28 + rint(6 / 0.1) = 32
        assertThat(Int8Arrays.ints(FusedActivation.RELU6.apply(q, p))).containsExactly(-28, -28, -28, -27, 31, 32, 32,
                32);
        assertThat(Int8Arrays.ints(q)).as("input untouched").containsExactly(-128, -29, -28, -27, 31, 32, 33, 127);
    }

    private static int within1(int[] a, int[] b) {
        assertThat(a).hasSameSizeAs(b);
        int diff = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - b[i])).as("element " + i + ": " + a[i] + " vs " + b[i]).isLessThanOrEqualTo(1);
            diff += a[i] != b[i] ? 1 : 0;
        }
        return diff;
    }
}
