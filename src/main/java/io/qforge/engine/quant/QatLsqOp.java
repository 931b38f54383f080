package io.qforge.engine.quant;

import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The op of a {@link QatOpTypes#LSQ_FAKE_QUANT} node (inputs {@code [x, scale]}): observes when the
 * quantizer's observer is on (calibration seeds the scale from the observed range), is the identity
 * when fake quantization is off (no params needed, no gradient for the scale), else
 * {@link LsqFakeQuantOp}. Inputs 0 (a weight) and 1 (the scale) are trainable.
 */
final class QatLsqOp implements Op {
    private static final String OFF = "qatlsq.off";
    private final FakeQuantizer quantizer;
    private final LsqFakeQuantOp inner;

    QatLsqOp(FakeQuantizer quantizer) {
        this.quantizer = quantizer;
        this.inner = new LsqFakeQuantOp(quantizer);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        QatFakeQuantOp.resetIfWeight(quantizer);
        quantizer.observe(inputs[0]);
        if (!quantizer.fakeQuantEnabled()) {
            ctx.save(OFF, Boolean.TRUE);
            return new INDArray[] {inputs[0]};
        }
        ctx.save(OFF, Boolean.FALSE);
        return inner.forward(inputs, ctx);
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        if (Boolean.TRUE.equals(ctx.saved(OFF))) {
            return new INDArray[] {gradOutputs[0], null};
        }
        return inner.backward(inputs, outputs, gradOutputs, ctx);
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {0, 1};
    }
}
