package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Dropout as the identity, in inference <em>and in training</em>: qforge fine-tunes an
 * already trained model for quantization and deliberately does not apply dropout then (the
 * ratio and training_mode inputs are ignored). The optional mask output is all true.
 * Backward: dX = G.
 */
final class DropoutOp implements Op {
    private final Node node;

    DropoutOp(Node node) {
        this.node = node;
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        boolean mask = node.outputs().size() > 1 && !node.output(1).isEmpty();
        if (!mask) {
            return new INDArray[] {inputs[0]};
        }
        return new INDArray[] {inputs[0], Nd4j.ones(DataType.BOOL, inputs[0].shape())};
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray[] out = new INDArray[inputs.length];
        out[0] = gradOutputs[0];
        return out;
    }
}
