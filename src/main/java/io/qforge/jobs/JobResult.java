package io.qforge.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a finished job leaves: the report (stored as JSON: FP32 / PTQ / QAT / INT8 engine / ONNX
 * Runtime accuracies, sizes, per-layer error) and its artifact files (e.g.
 * {@code model.int8.onnx}, {@code encodings.json}).
 */
public record JobResult(Map<String, Object> report, List<Artifact> artifacts) {

    public record Artifact(String name, String contentType, Path file) {}
}
