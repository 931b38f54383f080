package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused float32 and float64 fake-quant loops against the ND4J-kernel path: bit-identical, element for element. */
class FakeQuantKernelsTest {

    /** Random values, exact .5 ties of x / s, values far outside the range, zeros and negative zeros. */
    private static INDArray data(long[] shape, double scale, long seed) {
        Random r = new Random(seed);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            switch (i % 6) {
                case 0 -> v[i] = (float) (r.nextGaussian() * scale * 60);
                case 1 -> v[i] = (float) ((r.nextInt(400) - 200 + 0.5) * scale); // ties (exact when scale is 2^k)
                case 2 -> v[i] = (float) (r.nextGaussian() * scale * 1000);     // mostly clipped
                case 3 -> v[i] = (i % 12 == 3) ? -0.0f : 0.0f;
                case 4 -> v[i] = (float) ((r.nextInt(400) - 200) * scale);      // on the grid
                default -> v[i] = (float) (r.nextDouble() * scale * 300 - scale * 150);
            }
        }
        return Nd4j.create(v, shape, 'c');
    }

    private static void assertSameBits(INDArray expected, INDArray actual, String what) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        float[] e = expected.data().asFloat();
        float[] a = actual.data().asFloat();
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
                throw new AssertionError(what + ": element " + i + " expected " + e[i] + " got " + a[i]);
            }
        }
    }

    private static void assertSameBits64(INDArray expected, INDArray actual, String what) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        assertThat(actual.dataType()).isEqualTo(DataType.DOUBLE);
        double[] e = expected.data().asDouble();
        double[] a = actual.data().asDouble();
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
                throw new AssertionError(what + ": element " + i + " expected " + e[i] + " got " + a[i]);
            }
        }
    }

    private static void check(INDArray x, QuantParams p, String what) {
        int axis = p.axis() < 0 ? -1 : p.axis();
        QuantPrimitives.FakeQuantResult ref = QuantPrimitives.fakeQuantizeWithMaskNd4j(x, p);
        QuantPrimitives.FakeQuantResult fused = FakeQuantKernels.fakeQuantizeWithMask(x, p, axis);
        assertSameBits(ref.output(), fused.output(), what + " output");
        assertSameBits(ref.inside(), fused.inside(), what + " mask");
        // the public entry point takes the fused path for this plain FLOAT array
        assertSameBits(ref.output(), QuantPrimitives.fakeQuantizeWithMask(x, p).output(), what + " public");
        // the mask is not trivial: some clipped, some inside
        assertThat(ref.inside().sumNumber().doubleValue()).isGreaterThan(0).isLessThan(x.length());
        // float64 (the evaluation's simulation): the fused loop against ND4J on the same values widened
        INDArray x64 = x.castTo(DataType.DOUBLE);
        QuantPrimitives.FakeQuantResult ref64 = QuantPrimitives.fakeQuantizeWithMaskNd4j(x64, p);
        QuantPrimitives.FakeQuantResult fused64 = QuantPrimitives.fakeQuantizeWithMask(x64, p);
        assertThat(FakeQuantKernels.plain64(x64)).isTrue();
        assertSameBits64(ref64.output(), fused64.output(), what + " float64 output");
        assertSameBits64(ref64.inside(), fused64.inside(), what + " float64 mask");
        // LSQ forward (same scales): output, mask and d x_hat / d s
        double[] sc = p.scales();
        INDArray[] lsqRef = LsqFakeQuantOp.forwardNd4j(x, sc, p, axis);
        INDArray[] lsq = FakeQuantKernels.lsqForward(x, sc, p, axis);
        assertSameBits(lsqRef[0], lsq[0], what + " LSQ output");
        assertSameBits(lsqRef[1], lsq[1], what + " LSQ mask");
        assertSameBits(lsqRef[2], lsq[2], what + " LSQ d/ds");
        // STE backward
        INDArray g = data(x.shape(), 0.37, 99);
        assertSameBits(g.mul(ref.inside()), FakeQuantKernels.multiply(g, fused.inside()), what + " backward");
    }

    @Test
    void perTensorMatchesNd4jBitForBit() {
        long[] shape = {8, 4, 6, 6};
        for (double s : new double[] {0.25, 0.0078125, 0.013371, 3.1e-3}) {
            INDArray x = data(shape, s, 1);
            check(x, QuantPrimitives.chooseSymmetric(-127 * s, 127 * s, 8), "sym8 s=" + s);
            check(x, QuantPrimitives.chooseAsymmetric(-40 * s, 200 * s, 8), "asym8 s=" + s);
            check(x, QuantPrimitives.chooseSymmetric(-7 * s, 7 * s, 4), "sym4 s=" + s);
            check(x, QuantPrimitives.chooseAsymmetric(-3 * s, 12 * s, 4), "asym4 s=" + s);
        }
    }

    @Test
    void perChannelAlongAxis0And1MatchesNd4jBitForBit() {
        for (int axis : new int[] {0, 1}) {
            for (long[] shape : new long[][] {{6, 5, 3, 3}, {7, 9}, {4, 6, 10}}) {
                int c = (int) shape[axis];
                double[] lo = new double[c];
                double[] hi = new double[c];
                Random r = new Random(axis * 31L + shape.length);
                for (int k = 0; k < c; k++) {
                    lo[k] = -r.nextDouble() * 2;
                    hi[k] = r.nextDouble() * 3;
                }
                INDArray x = data(shape, 0.015625, 7);
                String what = "axis " + axis + " shape " + java.util.Arrays.toString(shape);
                check(x, QuantPrimitives.chooseSymmetric(lo, hi, 8, axis), what + " sym8");
                check(x, QuantPrimitives.chooseAsymmetric(lo, hi, 8, axis), what + " asym8");
                check(x, QuantPrimitives.chooseSymmetric(lo, hi, 4, axis), what + " sym4");
            }
        }
    }

    @Test
    void infinitiesAndNanMatchNd4j() {
        INDArray x = Nd4j.createFromArray(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            1.5f, -2.5f, 0.5f, 300f, -300f}).reshape(2, 4);
        check(x, QuantPrimitives.chooseSymmetric(-127, 127, 8), "specials sym");
        check(x, QuantPrimitives.chooseAsymmetric(-10, 100, 8), "specials asym");
    }

    @Test
    void nonPlainAndDoubleInputsTakeTheNd4jPath() {
        INDArray x = data(new long[] {4, 6}, 0.25, 3);
        assertThat(FakeQuantKernels.plain(x)).isTrue();
        assertThat(FakeQuantKernels.plain(x.dup('f'))).isFalse();
        assertThat(FakeQuantKernels.plain(x.castTo(DataType.DOUBLE))).isFalse();
        assertThat(FakeQuantKernels.plain64(x.castTo(DataType.DOUBLE).dup('f'))).isFalse();
        assertThat(FakeQuantKernels.plain(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all()))).isFalse();
        QuantParams p = QuantPrimitives.chooseAsymmetric(-20, 30, 8);
        assertSameBits(QuantPrimitives.fakeQuantizeWithMask(x, p).output(),
                QuantPrimitives.fakeQuantizeWithMask(x.dup('f'), p).output().dup('c'), "f-order input");
    }

    @Test
    void observersMinMaxMatchNd4jReductions() {
        for (int axis : new int[] {-1, 0, 1}) {
            INDArray x = data(new long[] {6, 5, 3, 3}, 0.01, 11 + axis);
            INDArray xf = x.dup('f'); // not plain: ND4J reductions
            MinMaxObserver a = new MinMaxObserver(axis);
            MinMaxObserver b = new MinMaxObserver(axis);
            MovingAverageMinMaxObserver ma = new MovingAverageMinMaxObserver(axis);
            MovingAverageMinMaxObserver mb = new MovingAverageMinMaxObserver(axis);
            for (int step = 0; step < 3; step++) {
                INDArray xs = x.mul(step + 1);
                a.observe(xs);
                b.observe(xs.dup('f'));
                ma.observe(xs);
                mb.observe(xs.dup('f'));
            }
            assertThat(a.min()).isEqualTo(b.min());
            assertThat(a.max()).isEqualTo(b.max());
            assertThat(ma.min()).isEqualTo(mb.min());
            assertThat(ma.max()).isEqualTo(mb.max());
            assertThat(ma.tensorRange()).isEqualTo(mb.tensorRange());
            assertThat(FakeQuantKernels.plain(xf)).isFalse();
        }
    }
}
