package io.qforge.engine.quant;

import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Central differences {@code (f(x + h e_i) - f(x - h e_i)) / 2h} for float64 tensors (test helper). */
final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** Gradient of the scalar {@code f} at {@code x} (DOUBLE; perturbed in place and restored). */
    static INDArray gradient(ToDoubleFunction<INDArray> f, INDArray x, double h) {
        if (x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("finite differences need DOUBLE, got " + x.dataType());
        }
        INDArray flat = x.reshape(x.length());
        INDArray grad = x.ulike().reshape(x.length());
        for (long i = 0; i < x.length(); i++) {
            double orig = flat.getDouble(i);
            flat.putScalar(i, orig + h);
            double plus = f.applyAsDouble(x);
            flat.putScalar(i, orig - h);
            double minus = f.applyAsDouble(x);
            flat.putScalar(i, orig);
            grad.putScalar(i, (plus - minus) / (2 * h));
        }
        return grad.reshape(x.shape());
    }
}
