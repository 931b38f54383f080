package io.qforge.storage;

import java.util.List;
import java.util.Map;

/**
 * What the importer found in an uploaded ONNX model: graph inputs and outputs (batch dimension
 * -1), op types with their node counts, trainable parameter count and opset.
 */
public record ModelSummary(List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Integer> ops,
                           long parameters, long opset) {

    /** A named tensor with its element type and shape (-1 = dynamic). */
    public record TensorSpec(String name, String type, List<Long> shape) {}
}
