package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.qforge.engine.convert.IntModel;

/**
 * Exports a model, runs it in ONNX Runtime with all optimizations and with none, and compares both
 * with {@link QdqReference}; prints the measured agreement and ORT's optimized op counts.
 */
final class QdqCheck {

    record Result(KernelReport kernels, double withinOneLsbOptimized, double exactUnoptimized, byte[] model) {
    }

    private QdqCheck() {
    }

    static Result run(String label, IntModel m, T x) {
        return run(label, m, x, QdqExportOptions.DEFAULT);
    }

    /**
     * Asserts: unoptimized ORT (literal DQ -> float op -> Q) matches the reference within 1 LSB
     * everywhere; optimized ORT (integer kernels) has >= 99% of output values within 1 LSB of the
     * output scale. The LSB is the scale of the quantized output (for a softmax output, the logit
     * scale, since softmax changes no value by more than half the largest change of its inputs).
     */
    static Result run(String label, IntModel m, T x, QdqExportOptions options) {
        byte[] model = QdqExporter.toBytes(m, options);
        T ref = QdqReference.run(m, x);
        T opt = OrtRun.run(model, x, OptLevel.ALL_OPT);
        T none = OrtRun.run(model, x, OptLevel.NO_OPT);
        assertThat(opt.shape()).as(label + " output shape").isEqualTo(ref.shape());
        double lsb = (float) m.encoding(m.quantizedOutput()).scale(0);
        double within = fraction(ref, opt, 1.0001 * lsb);
        double exact = fraction(ref, none, 1e-3 * lsb);
        double noneWithin = fraction(ref, none, 1.0001 * lsb);
        KernelReport k = OrtKernelCheck.check(model);
        System.out.printf("[qdq] %s (%s): optimized within 1 LSB %.4f, max |d| %.3f LSB; unoptimized exact %.4f;"
                        + " %d bytes%n  source %s%n  optimized %s%n", label, options.clamp(), within,
                maxDiff(ref, opt) / lsb, exact, model.length, k.sourceOps(), k.optimizedOps());
        assertThat(noneWithin).as(label + ": unoptimized ORT within 1 LSB of the reference").isEqualTo(1.0);
        assertThat(within).as(label + ": optimized ORT values within 1 LSB of the reference").isGreaterThanOrEqualTo(0.99);
        return new Result(k, within, exact, model);
    }

    static double fraction(T a, T b, double tol) {
        int ok = 0;
        for (int i = 0; i < a.v().length; i++) {
            if (Math.abs(a.v()[i] - b.v()[i]) <= tol) {
                ok++;
            }
        }
        return ok / (double) a.v().length;
    }

    static double maxDiff(T a, T b) {
        double m = 0;
        for (int i = 0; i < a.v().length; i++) {
            m = Math.max(m, Math.abs(a.v()[i] - b.v()[i]));
        }
        return m;
    }
}
