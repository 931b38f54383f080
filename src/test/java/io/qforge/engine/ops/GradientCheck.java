package io.qforge.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central finite-difference check of an {@link Op}'s backward pass, in float64.
 *
 * <p>Loss {@code L = sum(Y0 * R)} with R random (Y0 = the op's first output), so
 * {@code dL/dY0 = R}. For every element x_j of each checked input,
 * {@code num_j = (L(x_j + eps) - L(x_j - eps)) / (2 eps)} is compared with the analytic
 * gradient {@code a_j} from {@code backward}; the error is
 * {@code |a_j - num_j| / max(|a_j|, |num_j|, FLOOR)}, i.e. relative, but absolute (scaled by
 * 1/FLOOR) for gradients smaller than FLOOR. Inputs must be contiguous float64 arrays; the
 * check perturbs them in place and restores them.
 */
final class GradientCheck {
    static final double EPS = 1e-6;
    static final double TOLERANCE = 1e-5;
    static final double FLOOR = 1e-2;

    private GradientCheck() {
    }

    /** Checks inputs {@code which}, asserting each max error <= TOLERANCE; returns the max over them. */
    static double check(String label, Op op, INDArray[] inputs, int[] which, boolean training, boolean frozen,
                        long seed) {
        for (int i : which) {
            assertThat(inputs[i].dataType()).as("%s input %d must be float64", label, i).isEqualTo(DataType.DOUBLE);
        }
        OpContext ctx = new OpContext(training, frozen);
        INDArray[] outs = op.forward(inputs, ctx);
        INDArray r = TestArrays.uniform(seed, -1, 1, outs[0].shape());
        INDArray[] gradOut = new INDArray[outs.length];
        gradOut[0] = r;
        INDArray[] grads = op.backward(inputs, outs, gradOut, ctx);
        double worst = 0;
        for (int i : which) {
            INDArray x = inputs[i];
            assertThat(grads[i]).as("%s: gradient of input %d", label, i).isNotNull();
            assertThat(grads[i].shape()).as("%s: gradient shape of input %d", label, i).isEqualTo(x.shape());
            INDArray analytic = grads[i].dup('c');
            double maxErr = 0;
            for (long j = 0; j < x.length(); j++) {
                double orig = x.getDouble(j);
                x.putScalar(j, orig + EPS);
                double lp = loss(op, inputs, r, training, frozen);
                x.putScalar(j, orig - EPS);
                double lm = loss(op, inputs, r, training, frozen);
                x.putScalar(j, orig);
                double num = (lp - lm) / (2 * EPS);
                double a = analytic.getDouble(j);
                double err = Math.abs(a - num) / Math.max(FLOOR, Math.max(Math.abs(a), Math.abs(num)));
                maxErr = Math.max(maxErr, err);
            }
            System.out.printf("GRADCHECK %-40s input %d %-10s max error %.3e%n", label, i,
                    Arrays.toString(x.shape()), maxErr);
            assertThat(maxErr).as("%s: gradient error of input %d", label, i).isLessThanOrEqualTo(TOLERANCE);
            worst = Math.max(worst, maxErr);
        }
        return worst;
    }

    static double check(String label, Op op, INDArray[] inputs, int... which) {
        return check(label, op, inputs, which, false, false, 42);
    }

    private static double loss(Op op, INDArray[] inputs, INDArray r, boolean training, boolean frozen) {
        INDArray y = op.forward(inputs, new OpContext(training, frozen))[0];
        return y.mul(r).sumNumber().doubleValue();
    }
}
