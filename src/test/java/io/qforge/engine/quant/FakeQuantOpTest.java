package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.qforge.engine.ops.OpContext;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient checks. The fake quantizer is piecewise constant in x, so its true derivative w.r.t. x is
 * 0 almost everywhere: the straight-through estimator is checked against central differences of its
 * surrogate {@code s (clamp(x/s + z, qmin, qmax) - z)} (rint taken as the identity). The test points
 * sit at least 0.1 step away from every rounding boundary (half-integers of x/s) and the clip edges
 * are handled so that the surrogate and the rint-based mask agree there (see {@link #points}); with
 * h = 1e-6 x/s moves by far less than 0.1, so no point crosses a boundary while being differenced.
 */
class FakeQuantOpTest {
    private static final double H = 1e-6;

    @org.junit.jupiter.api.BeforeEach
    void seed() {
        Nd4j.getRandom().setSeed(42);
    }

    @Test
    void forwardObservesThenFakeQuantizesWithTheObservedParams() {
        FakeQuantizer q = FakeQuantizer.forActivation("relu1", QuantConfig.defaults());
        FakeQuantOp op = new FakeQuantOp(q);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 16);
        INDArray y = op.forward(new INDArray[] {x}, new OpContext(true))[0];
        QuantParams expected = QuantPrimitives.chooseAsymmetric(x.minNumber().doubleValue(),
                x.maxNumber().doubleValue(), 8);
        assertThat(q.params()).isEqualTo(expected);
        assertThat(y).isEqualTo(QuantPrimitives.fakeQuantize(x, expected));
        assertThat(y).isNotEqualTo(x);

        q.setObserverEnabled(false);
        op.forward(new INDArray[] {x.mul(100)}, new OpContext(false));
        assertThat(q.params()).as("a disabled observer does not move the range").isEqualTo(expected);

        q.setFakeQuantEnabled(false);
        OpContext ctx = new OpContext(true);
        assertThat(op.forward(new INDArray[] {x}, ctx)[0]).isSameAs(x);
        INDArray g = Nd4j.ones(DataType.FLOAT, 8, 16);
        assertThat(op.backward(new INDArray[] {x}, null, new INDArray[] {g}, ctx)[0]).isEqualTo(g);
    }

    @Test
    void withoutObservationOrParamsTheQuantizerSaysSo() {
        FakeQuantizer q = FakeQuantizer.forActivation("x", QuantConfig.defaults());
        q.setObserverEnabled(false);
        assertThatThrownBy(() -> new FakeQuantOp(q).forward(new INDArray[] {Nd4j.rand(2, 2)}, new OpContext(false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("quantizer 'x' has no params yet");
    }

    @Test
    void steMaskZeroesTheGradientExactlyWhereValuesWereClipped() {
        // int8 symmetric, s = 0.1: representable [-12.7, 12.7]. 12.74 -> rint(127.4) = 127 (kept),
        // 12.76 -> rint(127.6) = 128 (clipped), -12.76 -> -128 (clipped), 12.75 -> rint(127.5) = 128 (clipped, even)
        FakeQuantizer q = fixed(QuantParams.perTensor(0.1, 0, 8, Symmetry.SYMMETRIC));
        FakeQuantOp op = new FakeQuantOp(q);
        INDArray x = Nd4j.createFromArray(0.0, 12.7, 12.74, 12.75, 12.76, -12.74, -12.76, 100, -3.14);
        OpContext ctx = new OpContext(true);
        INDArray y = op.forward(new INDArray[] {x}, ctx)[0];
        assertThat(y.toDoubleVector()).containsExactly(new double[] {0, 12.7, 12.7, 12.7, 12.7, -12.7, -12.7, 12.7,
                -3.1}, within(1e-12));
        INDArray g = Nd4j.createFromArray(1.0, 2, 3, 4, 5, 6, 7, 8, 9);
        INDArray dx = op.backward(new INDArray[] {x}, new INDArray[] {y}, new INDArray[] {g}, ctx)[0];
        assertThat(dx.toDoubleVector()).containsExactly(1, 2, 3, 0, 0, 6, 0, 0, 9);
    }

    @Test
    void steMatchesFiniteDifferencesOfTheStraightThroughSurrogatePerTensorAsymmetric() {
        QuantParams p = QuantParams.perTensor(0.05, -20, 8, Symmetry.ASYMMETRIC);
        INDArray x = points(new long[] {6, 7}, p, -1, false, 1);
        checkSte(p, x);
    }

    @Test
    void steMatchesFiniteDifferencesPerChannelOnAxis1() {
        QuantParams p = QuantParams.perChannel(new double[] {0.02, 0.07, 0.3}, new int[] {0, 0, 0}, 1, 4,
                Symmetry.SYMMETRIC);
        INDArray x = points(new long[] {4, 3, 5}, p, 1, false, 2);
        checkSte(p, x);
    }

    @Test
    void lsqScaleGradientPerTensorMatchesFiniteDifferences() {
        QuantParams p = QuantParams.perTensor(0.05, 13, 8, Symmetry.ASYMMETRIC);
        INDArray x = points(new long[] {5, 12}, p, -1, true, 3);
        FakeQuantizer q = lsq(p, TensorRole.ACTIVATION);
        checkLsq(q, p, x, Nd4j.createFromArray(0.05), 12); // N = features per sample = 12
    }

    @Test
    void lsqScaleGradientPerChannelMatchesFiniteDifferences() {
        QuantParams p = QuantParams.perChannel(new double[] {0.01, 0.2, 0.05, 0.5}, new int[4], 0, 4,
                Symmetry.SYMMETRIC);
        INDArray x = points(new long[] {4, 2, 3, 3}, p, 0, true, 4);
        FakeQuantizer q = lsq(p, TensorRole.WEIGHT);
        checkLsq(q, p, x, Nd4j.createFromArray(0.01, 0.2, 0.05, 0.5), 18); // N = elements per channel
    }

    @Test
    void lsqForwardEqualsFixedFakeQuantAndKeepsTheScalePositive() {
        QuantParams p = QuantParams.perTensor(0.05, 0, 8, Symmetry.SYMMETRIC);
        FakeQuantizer q = lsq(p, TensorRole.WEIGHT);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 4);
        INDArray y = new LsqFakeQuantOp(q).forward(new INDArray[] {x, Nd4j.createFromArray(0.05)},
                new OpContext(true))[0];
        assertThat(y).isEqualTo(QuantPrimitives.fakeQuantize(x, p));
        INDArray yNeg = new LsqFakeQuantOp(q).forward(new INDArray[] {x, Nd4j.createFromArray(-1.0)},
                new OpContext(true))[0];
        assertThat(yNeg.amaxNumber().doubleValue()).isLessThanOrEqualTo(127 * LsqFakeQuantOp.MIN_SCALE * 1.0001);
        INDArray s = Nd4j.createFromArray(-1.0, 0.5);
        LsqFakeQuantOp.clampScaleInPlace(s);
        assertThat(s.toDoubleVector()).containsExactly(LsqFakeQuantOp.MIN_SCALE, 0.5);
        q.adoptScales(Nd4j.createFromArray(0.07));
        assertThat(q.params().scales()).containsExactly(0.07);
        assertThat(new LsqFakeQuantOp(q).trainableInputs()).containsExactly(1);
    }

    @Test
    void lsqWithFakeQuantOffPassesTheGradientAndGivesTheScaleNone() {
        FakeQuantizer q = lsq(QuantParams.perTensor(0.05, 0, 8, Symmetry.SYMMETRIC), TensorRole.WEIGHT);
        q.setFakeQuantEnabled(false);
        LsqFakeQuantOp op = new LsqFakeQuantOp(q);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 4);
        INDArray[] in = {x, Nd4j.createFromArray(0.05)};
        OpContext ctx = new OpContext(true);
        INDArray[] out = op.forward(in, ctx);
        assertThat(out[0]).isEqualTo(x);
        INDArray g = Nd4j.randn(DataType.DOUBLE, 3, 4);
        INDArray[] grads = op.backward(in, out, new INDArray[] {g}, ctx);
        assertThat(grads[0]).isEqualTo(g);
        assertThat(grads[1].toDoubleVector()).containsOnly(0.0);
    }

    // ------------------------------------------------------------------ helpers

    private static void checkSte(QuantParams p, INDArray x) {
        FakeQuantOp op = new FakeQuantOp(fixed(p));
        INDArray g = Nd4j.rand(DataType.DOUBLE, x.shape()).subi(0.5);
        OpContext ctx = new OpContext(true);
        INDArray y = op.forward(new INDArray[] {x}, ctx)[0];
        INDArray dx = op.backward(new INDArray[] {x}, new INDArray[] {y}, new INDArray[] {g}, ctx)[0];
        int axis = p.axis();
        INDArray fd = FiniteDifferences.gradient(v -> g.mul(surrogate(v, p, p.scales(), axis)).sumNumber()
                .doubleValue(), x.dup(), H);
        assertThat(maxAbsDiff(dx, fd)).isLessThan(1e-6);
        double zeros = dx.eq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        assertThat(zeros).as("some clipped points").isPositive();
        assertThat(zeros).as("some kept points").isLessThan(x.length());
    }

    private static void checkLsq(FakeQuantizer q, QuantParams p, INDArray x, INDArray scale, long n) {
        LsqFakeQuantOp op = new LsqFakeQuantOp(q);
        INDArray g = Nd4j.rand(DataType.DOUBLE, x.shape()).subi(0.5);
        OpContext ctx = new OpContext(true);
        INDArray y = op.forward(new INDArray[] {x, scale}, ctx)[0];
        INDArray[] grads = op.backward(new INDArray[] {x, scale}, new INDArray[] {y}, new INDArray[] {g}, ctx);
        assertThat(grads[1].shape()).isEqualTo(scale.shape());
        int axis = p.axis();
        // True derivative of the forward w.r.t. s, by central differences: inside it is rint(v) (the
        // grid point is fixed while s moves by 1e-6), outside it is qmax - z or qmin - z.
        INDArray fdTrue = FiniteDifferences.gradient(s -> {
            INDArray out = new LsqFakeQuantOp(q).forward(new INDArray[] {x, s}, new OpContext(true))[0];
            return g.mul(out).sumNumber().doubleValue();
        }, scale.dup(), H);
        // LSQ adds the straight-through term of rint: d/ds [s * rint(x/s)] = rint(v) - v inside.
        INDArray v = divide(x, p.scales(), axis);
        INDArray inside = QuantPrimitives.fakeQuantizeWithMask(x, p).inside();
        INDArray steTerm = g.mul(v).mul(inside);
        INDArray steSum = axis < 0 ? Nd4j.createFromArray(steTerm.sumNumber().doubleValue())
                : steTerm.sum(AxisOps.otherDims(x.rank(), axis));
        double gradScale = 1.0 / Math.sqrt((double) n * p.qmax());
        INDArray expected = fdTrue.reshape(steSum.shape()).sub(steSum).mul(gradScale);
        assertThat(maxAbsDiff(grads[1].reshape(expected.shape()), expected)).isLessThan(1e-6);
        assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(1e-3);
        // dx is the STE of the fixed-params op (checked against finite differences above; these points
        // include the edge levels where the surrogate and the mask differ, so compare with the op)
        assertThat(grads[0]).isEqualTo(g.mul(inside));
    }

    /** {@code s (clamp(x/s + z, qmin, qmax) - z)}: fake quantization with rint replaced by the identity. */
    private static INDArray surrogate(INDArray x, QuantParams p, double[] s, int axis) {
        INDArray v = divide(x, s, axis);
        AxisOps.addi(v, p.zeroPoints(), axis);
        INDArray c = org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(v, p.qmin(), false), p.qmax(), false);
        AxisOps.subi(c, p.zeroPoints(), axis);
        return AxisOps.muli(c, s, axis);
    }

    private static INDArray divide(INDArray x, double[] s, int axis) {
        return AxisOps.div(x, s, axis);
    }

    /**
     * Test points {@code x = s (k - z + u)}: k an integer level, u in [-0.4, 0.4] (so x/s is at least
     * 0.1 from a half-integer). About a fifth of the points are clipped with k beyond the range by 1
     * to 5 levels. For the x-gradient check, k = qmin and k = qmax are avoided: between qmax and
     * qmax + 0.5 the rint-based mask keeps the gradient while the surrogate is already flat.
     */
    private static INDArray points(long[] shape, QuantParams p, int axis, boolean allowEdges, long seed) {
        Random rnd = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < x.length(); i++) {
            long[] idx = org.nd4j.linalg.api.shape.Shape.ind2subC(shape, i);
            int c = axis < 0 ? 0 : (int) idx[axis];
            int k;
            if (rnd.nextDouble() < 0.2) {
                k = rnd.nextBoolean() ? p.qmax() + 1 + rnd.nextInt(5) : p.qmin() - 1 - rnd.nextInt(5);
            } else {
                int lo = allowEdges ? p.qmin() : p.qmin() + 1;
                int hi = allowEdges ? p.qmax() : p.qmax() - 1;
                k = lo + rnd.nextInt(hi - lo + 1);
            }
            double u = -0.4 + 0.8 * rnd.nextDouble();
            x.putScalar(idx, p.scale(c) * (k - p.zeroPoint(c) + u));
        }
        return x;
    }

    private static FakeQuantizer fixed(QuantParams p) {
        FakeQuantizer q = new FakeQuantizer("t", TensorRole.ACTIVATION, p.bits(), p.symmetry(), p.granularity(),
                new MinMaxObserver(p.axis()));
        q.setParams(p);
        q.setObserverEnabled(false);
        return q;
    }

    private static FakeQuantizer lsq(QuantParams p, TensorRole role) {
        FakeQuantizer q = new FakeQuantizer("t", role, p.bits(), p.symmetry(), p.granularity(),
                new MinMaxObserver(p.axis()));
        q.setParams(p);
        q.setObserverEnabled(false);
        return q;
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
