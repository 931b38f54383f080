package io.qforge.engine.quant;

import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fake quantization with observer-chosen params, as a graph node: inputs {@code [x]}, output
 * {@code [x_hat]}. The params come from the node's {@link FakeQuantizer} (shared, mutable state),
 * not from tensors, so the graph rewriter inserts the node between a tensor and its consumers.
 *
 * <pre>
 * forward:  observe(x) if the observer is on;  x_hat = s (clamp(rint(x/s) + z, qmin, qmax) - z)
 *           (identity when fake quantization is off)
 * backward: dL/dx = dL/dx_hat * [qmin <= rint(x/s) + z <= qmax]     straight-through estimator
 * </pre>
 */
public final class FakeQuantOp implements Op {
    private static final String MASK = "fq.inside";
    private final FakeQuantizer quantizer;

    public FakeQuantOp(FakeQuantizer quantizer) {
        this.quantizer = quantizer;
    }

    public FakeQuantizer quantizer() {
        return quantizer;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        quantizer.observe(x);
        if (!quantizer.fakeQuantEnabled()) {
            ctx.save(MASK, null);
            return new INDArray[] {x};
        }
        QuantPrimitives.FakeQuantResult r = QuantPrimitives.fakeQuantizeWithMask(x, quantizer.params());
        ctx.save(MASK, r.inside());
        return new INDArray[] {r.output()};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray g = gradOutputs[0];
        if (g == null) {
            return new INDArray[] {null};
        }
        INDArray inside = ctx.saved(MASK);
        if (inside == null) {
            return new INDArray[] {g};
        }
        return new INDArray[] {FakeQuantKernels.plain(g) && FakeQuantKernels.plain(inside)
                && java.util.Arrays.equals(g.shape(), inside.shape())
                ? FakeQuantKernels.multiply(g, inside) : g.mul(inside)};
    }
}
