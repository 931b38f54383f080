package io.qforge.engine.quant;

import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link QatOpTypes#TO_FLOAT64}: {@code y = double(x)}, or with a quantizer
 * {@code y = s (rint(double(x) / s) + z - z)} in float64: a float32 fake-quantized value
 * {@code fl32(s (q - z))} is within 2^-24 relative of its grid point, so this recovers {@code q} and
 * gives the exact float64 {@code s (q - z)} (float32's rounding of it would otherwise reach the next
 * layer, ~1e-5 output steps). The gradient goes back in x's type.
 */
final class ToFloat64Op implements Op {
    private final QatModel model;
    private final String quantizer;

    ToFloat64Op(QatModel model, String quantizer) {
        this.model = model;
        this.quantizer = quantizer;
        if (quantizer != null) {
            model.quantizer(quantizer);
        }
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray y = inputs[0].castTo(DataType.DOUBLE);
        if (quantizer != null && model.quantizer(quantizer).fakeQuantEnabled()) {
            y = QuantPrimitives.fakeQuantize(y, model.params(quantizer));
        }
        return new INDArray[] {y};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        return new INDArray[] {gradOutputs[0] == null ? null : gradOutputs[0].castTo(inputs[0].dataType())};
    }
}
