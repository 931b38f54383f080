package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ONNX Concat along {@code axis} (negative counts from the end). Backward splits G back into
 * the inputs' extents along the axis (copies).
 */
final class ConcatOp implements Op {
    private final Node node;
    private final long axis;

    ConcatOp(Node node) {
        this.node = node;
        Object a = node.attributes().get("axis");
        if (a == null) {
            throw new IllegalArgumentException("Concat '" + node.name() + "': attribute axis is required");
        }
        this.axis = ((Number) a).longValue();
    }

    private int axis(INDArray x) {
        long a = axis < 0 ? axis + x.rank() : axis;
        if (a < 0 || a >= x.rank()) {
            throw new IllegalArgumentException("Concat '" + node.name() + "': axis " + axis
                    + " is outside the input of shape " + Arrays.toString(x.shape()));
        }
        return (int) a;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        int a = axis(inputs[0]);
        if (inputs.length == 1) {
            return new INDArray[] {inputs[0]};
        }
        return new INDArray[] {Nd4j.concat(a, inputs)};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray g = gradOutputs[0];
        int a = axis(inputs[0]);
        INDArray[] out = new INDArray[inputs.length];
        long offset = 0;
        for (int i = 0; i < inputs.length; i++) {
            long len = inputs[i].size(a);
            INDArrayIndex[] idx = new INDArrayIndex[g.rank()];
            for (int d = 0; d < idx.length; d++) {
                idx[d] = d == a ? NDArrayIndex.interval(offset, offset + len) : NDArrayIndex.all();
            }
            out[i] = g.get(idx).dup('c');
            offset += len;
        }
        return out;
    }
}
