package io.qforge.engine.onnx;

import io.qforge.engine.graph.Graph;

/** An imported graph with what the file said about where it came from. */
public record ImportedModel(Graph graph, String producerName, String producerVersion, long irVersion, long opset) {
}
