package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Reshape: X -> the shape given by input 1 (an INT64 vector). A 0 copies X's dimension at
 * that position (unless attribute allowzero=1, then it is a literal 0); one -1 is inferred from
 * the element count. The output may be a view of X. Backward reshapes G to X's shape; the shape
 * input has no gradient.
 */
final class ReshapeOp implements Op {
    private final Node node;
    private final boolean allowZero;

    ReshapeOp(Node node) {
        this.node = node;
        this.allowZero = node.attrInt("allowzero", 0) == 1;
    }

    long[] targetShape(INDArray x, INDArray shapeTensor) {
        if (shapeTensor == null) {
            throw new IllegalArgumentException("Reshape '" + node.name() + "': the shape input is missing");
        }
        long[] spec = shapeTensor.rank() == 0 ? new long[] {shapeTensor.getLong(0)} : shapeTensor.toLongVector();
        long[] out = spec.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= x.rank()) {
                    throw new IllegalArgumentException("Reshape '" + node.name() + "': shape " + Arrays.toString(spec)
                            + " copies dimension " + i + " of an input of rank " + x.rank());
                }
                out[i] = x.size(i);
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape '" + node.name() + "': shape " + Arrays.toString(spec)
                            + " has more than one -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("Reshape '" + node.name() + "': shape " + Arrays.toString(spec)
                        + " has a negative dimension " + out[i]);
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.length() % known != 0) {
                throw new IllegalArgumentException("Reshape '" + node.name() + "': cannot infer -1 in "
                        + Arrays.toString(spec) + " for input " + Arrays.toString(x.shape()));
            }
            out[infer] = x.length() / known;
            known *= out[infer];
        }
        if (known != x.length()) {
            throw new IllegalArgumentException("Reshape '" + node.name() + "': shape " + Arrays.toString(spec)
                    + " (" + Arrays.toString(out) + ") does not hold the " + x.length() + " elements of "
                    + Arrays.toString(x.shape()));
        }
        return out;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray x = inputs[0];
        return new INDArray[] {x.reshape('c', targetShape(x, inputs.length > 1 ? inputs[1] : null))};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray[] out = new INDArray[inputs.length];
        out[0] = gradOutputs[0].reshape('c', inputs[0].shape());
        return out;
    }
}
