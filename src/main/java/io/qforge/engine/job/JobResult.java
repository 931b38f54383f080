package io.qforge.engine.job;

/**
 * A finished job: the report and the artifacts.
 *
 * @param int8Model     the QDQ ONNX file (opset 13) that ONNX Runtime runs with integer kernels
 * @param encodingsJson the AIMET-compatible encodings of every quantized tensor
 */
public record JobResult(JobReport report, byte[] int8Model, String encodingsJson) {
}
