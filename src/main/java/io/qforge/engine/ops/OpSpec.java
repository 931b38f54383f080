package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;

/**
 * One op, whole: its ONNX type, the {@link Op} (FP32 forward and backward) built for a node, the
 * shape rule, and its quantization role. The importer has already brought the node to its
 * opset-13 form (explicit attributes, constant inputs; {@code onnx.OpNormalizer}), so the factory
 * and the shape rule see one form whatever opset (11-17) the file used.
 *
 * @param type    the ONNX op type (default domain)
 * @param factory builds the op from the node's attributes (validating them)
 * @param shape   the output shapes
 * @param role    how it is quantized
 * @param policy  one line for the policy: what the integer engine and ONNX Runtime do with it, and why
 * @param since   the first ONNX opset with this op in the form the factory reads (an export that
 *                writes it, e.g. a float island's HardSwish, declares at least this opset)
 */
public record OpSpec(String type, OpFactory factory, ShapeRule shape, QuantRole role, String policy, int since) {

    public Op create(Node n) {
        return factory.create(n);
    }
}
