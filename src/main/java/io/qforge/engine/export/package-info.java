/**
 * Export of a converted {@link io.qforge.engine.convert.IntModel}: the ONNX QDQ model that ONNX
 * Runtime runs with integer kernels ({@link io.qforge.engine.export.QdqExporter}), the
 * AIMET-compatible encodings JSON ({@link io.qforge.engine.export.EncodingsJson}), and the check
 * that ONNX Runtime's optimized graph really uses integer kernels
 * ({@link io.qforge.engine.export.OrtKernelCheck}). Conventions: /shared/QDQ.md.
 */
package io.qforge.engine.export;
