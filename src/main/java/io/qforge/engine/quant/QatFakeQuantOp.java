package io.qforge.engine.quant;

import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The op of a {@link QatOpTypes#FAKE_QUANT} node: {@link FakeQuantOp} (observe when the observer
 * is on, fake-quantize when fake quantization is on, straight-through backward), plus one rule for
 * weights: a weight observer forgets earlier tensors before it observes, so the weight's params
 * always come from its current values (a weight is seen whole at every pass; a running min/max
 * over past versions of the weight would only ever widen).
 *
 * <p>Input 0 is trainable: when it is an initializer (a weight), the optimizer updates it.
 */
final class QatFakeQuantOp implements Op {
    private final FakeQuantizer quantizer;
    private final FakeQuantOp inner;

    QatFakeQuantOp(FakeQuantizer quantizer) {
        this.quantizer = quantizer;
        this.inner = new FakeQuantOp(quantizer);
    }

    static void resetIfWeight(FakeQuantizer q) {
        if (q.role() == TensorRole.WEIGHT && q.observerEnabled()) {
            q.observer().reset();
        }
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        resetIfWeight(quantizer);
        return inner.forward(inputs, ctx);
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        return inner.backward(inputs, outputs, gradOutputs, ctx);
    }

    @Override
    public int[] trainableInputs() {
        return new int[] {0};
    }
}
