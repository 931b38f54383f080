package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Int8LinearTest {

    @org.junit.jupiter.api.BeforeEach
    void seed() {
        Nd4j.getRandom().setSeed(7);
    }

    @Test
    void accumulatorsAreExact() {
        Random rnd = new Random(30);
        INDArray x = Int8Reference.randomInt8(rnd, 9, 70);
        INDArray w = Int8Reference.randomInt8(rnd, 11, 70);      // [out, in]
        int[] bias = rnd.ints(11, -1000, 1000).toArray();
        int[] zw = rnd.ints(11, -10, 10).toArray();
        Int8Linear lin = new Int8Linear(w, zw, bias, -37, null);
        long[] expected = Int8Reference.gemm(Int8Arrays.bytes(x, "x"), new int[] {-37},
                Int8Arrays.bytes(w.transpose(), "wT"), zw, bias, 9, 70, 11);
        assertThat(Int8Reference.longs(lin.accumulate(x))).containsExactly(expected);
    }

    @Test
    void outputsMatchTheFloatReferenceWithin1Lsb() {
        INDArray xf = Nd4j.randn(DataType.DOUBLE, 32, 96);
        INDArray wf = Nd4j.randn(DataType.DOUBLE, 10, 96).muli(0.1);
        INDArray bf = Nd4j.randn(DataType.DOUBLE, 10).muli(0.5);
        QuantParams px = QuantPrimitives.chooseAsymmetric(xf.minNumber().doubleValue(), xf.maxNumber().doubleValue(), 8);
        QuantParams pw = QuantPrimitives.chooseSymmetric(new double[10], Int8Conv2dTest.maxAbsPerChannel(wf), 8, 0);
        INDArray xq = QuantPrimitives.quantize(xf, px);
        INDArray wq = QuantPrimitives.quantize(wf, pw);
        INDArray bq = QuantPrimitives.quantizeBias(bf, px.scale(0), pw.scales());
        INDArray xd = QuantPrimitives.dequantize(xq, px, DataType.DOUBLE);
        INDArray wd = QuantPrimitives.dequantize(wq, pw, DataType.DOUBLE);
        INDArray bd = bq.castTo(DataType.DOUBLE).mul(Nd4j.createFromArray(pw.scales())).muli(px.scale(0));
        INDArray yd = xd.mmul(wd.transpose()).addiRowVector(bd);
        QuantParams py = QuantPrimitives.chooseAsymmetric(yd.minNumber().doubleValue(),
                yd.maxNumber().doubleValue(), 8);
        INDArray ref = QuantPrimitives.quantize(yd, py);
        INDArray y = Int8Linear.of(wq, pw, bq, px, py, FusedActivation.NONE).forward(xq);
        int[] a = Int8Arrays.ints(y);
        int[] b = Int8Arrays.ints(ref);
        int diff = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - b[i])).isLessThanOrEqualTo(1);
            diff += a[i] != b[i] ? 1 : 0;
        }
        assertThat(diff).isLessThan(a.length / 50);
    }
}
