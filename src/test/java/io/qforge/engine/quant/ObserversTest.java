package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ObserversTest {

    @Test
    void minMaxRunsOverBatchesAndReturnsTheInputUnchanged() {
        MinMaxObserver o = new MinMaxObserver(-1);
        INDArray a = Nd4j.createFromArray(new float[] {-1f, 0.5f, 2f});
        INDArray copy = a.dup();
        assertThat(o.observe(a)).isSameAs(a);
        assertThat(a).isEqualTo(copy);
        o.observe(Nd4j.createFromArray(new float[] {-0.5f, 3f}));
        assertThat(o.min()).containsExactly(-1.0);
        assertThat(o.max()).containsExactly(3.0);
        QuantParams p = o.encoding(8, Symmetry.ASYMMETRIC, Granularity.PER_TENSOR);
        assertThat(p).isEqualTo(QuantPrimitives.chooseAsymmetric(-1, 3, 8));
    }

    @Test
    void perChannelMinMaxAlongAnyAxisAndPerTensorFromIt() {
        INDArray w = Nd4j.createFromArray(new double[][][] {{{1, -2}, {3, 4}}, {{-5, 6}, {0.5, -0.25}}});
        MinMaxObserver axis0 = new MinMaxObserver(0);
        axis0.observe(w);
        assertThat(axis0.min()).containsExactly(-2, -5);
        assertThat(axis0.max()).containsExactly(4, 6);
        MinMaxObserver axis2 = new MinMaxObserver(2);
        axis2.observe(w);
        assertThat(axis2.min()).containsExactly(-5, -2);
        assertThat(axis2.max()).containsExactly(3, 6);
        QuantParams pc = axis0.encoding(8, Symmetry.SYMMETRIC, Granularity.PER_CHANNEL);
        assertThat(pc.axis()).isZero();
        assertThat(pc.scales()).containsExactly(4.0 / 127, 6.0 / 127);
        QuantParams pt = axis0.encoding(8, Symmetry.SYMMETRIC, Granularity.PER_TENSOR);
        assertThat(pt.scales()).containsExactly(6.0 / 127);
    }

    @Test
    void encodingRequestsThatCannotBeAnsweredAreRefused() {
        MinMaxObserver o = new MinMaxObserver(-1);
        assertThatThrownBy(() -> o.encoding(8, Symmetry.SYMMETRIC, Granularity.PER_TENSOR))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no tensor observed yet");
        o.observe(Nd4j.rand(DataType.FLOAT, 4, 4));
        assertThatThrownBy(() -> o.encoding(8, Symmetry.SYMMETRIC, Granularity.PER_CHANNEL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("per-channel encoding requested");
        MinMaxObserver pc = new MinMaxObserver(0);
        pc.observe(Nd4j.rand(DataType.FLOAT, 4, 4));
        assertThatThrownBy(() -> pc.observe(Nd4j.rand(DataType.FLOAT, 5, 4)))
                .hasMessageContaining("tensor has 5 channels, earlier tensors had 4");
    }

    @Test
    void movingAverageFirstBatchInitializesThenAveragesWithC001() {
        MovingAverageMinMaxObserver o = new MovingAverageMinMaxObserver(-1);
        o.observe(Nd4j.createFromArray(-1.0, 2.0));
        assertThat(o.min()).containsExactly(-1.0);
        o.observe(Nd4j.createFromArray(-3.0, 4.0));
        assertThat(o.min()[0]).isCloseTo(0.99 * -1 + 0.01 * -3, within(1e-15));
        assertThat(o.max()[0]).isCloseTo(0.99 * 2 + 0.01 * 4, within(1e-15));
        QuantParams p = o.encoding(8, Symmetry.ASYMMETRIC, Granularity.PER_TENSOR);
        assertThat(p).isEqualTo(QuantPrimitives.chooseAsymmetric(-1.02, 2.02, 8));
    }

    @Test
    void movingAveragePerChannelKeepsItsOwnPerTensorAverage() {
        MovingAverageMinMaxObserver o = new MovingAverageMinMaxObserver(1, 0.5);
        o.observe(Nd4j.createFromArray(new double[][] {{-1, 1}, {0, 2}}));   // col mins -1,1  maxs 0,2
        o.observe(Nd4j.createFromArray(new double[][] {{-3, 5}, {1, 0}}));   // col mins -3,0  maxs 1,5
        assertThat(o.min()).containsExactly(-2, 0.5);
        assertThat(o.max()).containsExactly(0.5, 3.5);
        // per tensor: min -1 then -3 -> -2; max 2 then 5 -> 3.5
        assertThat(o.encoding(8, Symmetry.ASYMMETRIC, Granularity.PER_TENSOR))
                .isEqualTo(QuantPrimitives.chooseAsymmetric(-2, 3.5, 8));
    }

    @Test
    void percentileIsExactWhenTheSampleHoldsEverything() {
        int n = 20000;
        double[] values = new double[n];
        Random rnd = new Random(3);
        for (int i = 0; i < n; i++) {
            values[i] = rnd.nextGaussian();
        }
        values[17] = 1000; // one outlier
        PercentileObserver o = new PercentileObserver(-1, 99.9, n);
        o.observe(Nd4j.createFromArray(Arrays.copyOf(values, n / 2)));
        o.observe(Nd4j.createFromArray(Arrays.copyOfRange(values, n / 2, n)));
        double[] abs = Arrays.stream(values).map(Math::abs).sorted().toArray();
        double pos = 0.999 * (n - 1);
        int i = (int) pos;
        double expected = abs[i] + (pos - i) * (abs[i + 1] - abs[i]);
        QuantParams p = o.encoding(8, Symmetry.SYMMETRIC, Granularity.PER_TENSOR);
        assertThat(p.scale(0)).isCloseTo(expected / 127, within(1e-12));
        assertThat(expected).isBetween(2.5, 4.5); // the outlier does not set the range

        double[] sorted = values.clone();
        Arrays.sort(sorted);
        QuantParams a = o.encoding(8, Symmetry.ASYMMETRIC, Granularity.PER_TENSOR);
        double lo = PercentileObserver.percentile(sorted, 100 - 99.9);
        double hi = PercentileObserver.percentile(sorted, 99.9);
        assertThat(a).isEqualTo(QuantPrimitives.chooseAsymmetric(lo, hi, 8));
    }

    @Test
    void percentileFromABoundedSampleIsClose() {
        // 2M uniform values in [0, 1) through a 131072-value sample: the 99th percentile is 0.99 +- ~0.001
        PercentileObserver o = new PercentileObserver(-1, 99);
        for (int b = 0; b < 8; b++) {
            o.observe(Nd4j.rand(DataType.FLOAT, 256, 1024));
        }
        QuantParams p = o.encoding(8, Symmetry.SYMMETRIC, Granularity.PER_TENSOR);
        assertThat(p.scale(0) * 127).isCloseTo(0.99, within(0.003));
    }

    @Test
    void reservoirIsAUniformSampleWithoutRepeats() {
        Reservoir r = new Reservoir(5000, 1);
        long n = 1_000_000;
        for (int b = 0; b < 10; b++) {
            INDArray chunk = Nd4j.linspace(DataType.DOUBLE, b * (n / 10), n / 10, 1);
            r.offer(chunk.data(), 0, n / 10);
        }
        double[] v = r.values();
        assertThat(v).hasSize(5000);
        assertThat(r.seen()).isEqualTo(n);
        assertThat(Arrays.stream(v).distinct().count()).isEqualTo(5000);
        // mean of a uniform sample of 0..n-1: n/2 with standard error n/sqrt(12*5000) ~ 4100
        assertThat(Arrays.stream(v).average().orElseThrow()).isCloseTo(n / 2.0, within(20000.0));
        long lowQuarter = Arrays.stream(v).filter(x -> x < n / 4.0).count();
        assertThat(lowQuarter).isBetween(1100L, 1400L);
    }

    @Test
    void mseClipsOutliersAndNeverDoesWorseThanMinMax() {
        Random rnd = new Random(11);
        double[] v = new double[8192];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        v[5] = 40; // a far outlier: min-max wastes most of the grid on it
        INDArray x = Nd4j.createFromArray(v);
        MseObserver mse = new MseObserver(-1, 8192);
        mse.observe(x);
        MinMaxObserver mm = new MinMaxObserver(-1);
        mm.observe(x);
        for (Symmetry sym : Symmetry.values()) {
            QuantParams pm = mse.encoding(4, sym, Granularity.PER_TENSOR);
            QuantParams pr = mm.encoding(4, sym, Granularity.PER_TENSOR);
            assertThat(pm.scale(0)).as(sym.name()).isLessThan(pr.scale(0) * 0.5);
            assertThat(sq(x, pm)).as(sym.name()).isLessThan(sq(x, pr));
        }
    }

    @Test
    void msePerChannelPicksAlphaPerChannel() {
        // 4 bits. Channel 0: uniform in [-1, 1], little to gain by clipping. Channel 1: gaussian (sigma 0.1)
        // with one outlier at 5: with the full range nearly every value rounds to 0, so clipping wins.
        Random rnd = new Random(5);
        double[][] w = new double[2][4096];
        for (int i = 0; i < 4096; i++) {
            w[0][i] = 2 * rnd.nextDouble() - 1;
            w[1][i] = rnd.nextGaussian() * 0.1;
        }
        w[0][0] = 1;
        w[0][1] = -1;
        w[1][0] = 5;
        MseObserver o = new MseObserver(0);
        o.observe(Nd4j.createFromArray(w));
        QuantParams p = o.encoding(4, Symmetry.SYMMETRIC, Granularity.PER_CHANNEL);
        assertThat(p.scale(0) * 7).isGreaterThan(0.8);
        assertThat(p.scale(1) * 7).isLessThan(0.5 * 5);
        INDArray x = Nd4j.createFromArray(w);
        QuantParams full = QuantPrimitives.chooseSymmetric(new double[] {-1, -5}, new double[] {1, 5}, 4, 0);
        INDArray errMse = x.sub(QuantPrimitives.fakeQuantize(x, p));
        INDArray errFull = x.sub(QuantPrimitives.fakeQuantize(x, full));
        double[] eMse = errMse.mul(errMse).sum(1).toDoubleVector();
        double[] eFull = errFull.mul(errFull).sum(1).toDoubleVector();
        assertThat(eMse[0]).isLessThanOrEqualTo(eFull[0]);
        assertThat(eMse[1]).isLessThan(eFull[1] * 0.8);
    }

    private static double sq(INDArray x, QuantParams p) {
        INDArray d = x.sub(QuantPrimitives.fakeQuantize(x, p));
        return d.mul(d).sumNumber().doubleValue();
    }
}
