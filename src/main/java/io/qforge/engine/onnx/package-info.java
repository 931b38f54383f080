/**
 * ONNX in and out.
 *
 * <p>{@link io.qforge.engine.onnx.OnnxImporter} reads opsets 11..17 into a
 * {@link io.qforge.engine.graph.Graph}: one float input whose dimension 0 is the dynamic batch
 * (-1), nodes of the op types in {@link io.qforge.engine.onnx.SupportedOps#RUNTIME} with
 * explicit, opset-13-meaning attributes, initializers as ND4J arrays, and every tensor's shape.
 * Constant and shape-only computation (Constant, Shape, Gather, Unsqueeze, Squeeze, Slice, Cast,
 * and Add/Sub/Mul/Div/Concat/Reshape/Flatten/Identity on constants) is folded into INT64 or
 * float initializers.
 *
 * <p><b>The batch dimension in Reshape shapes.</b> PyTorch's {@code x.view(x.size(0), -1)}
 * exports Shape -> Gather(0) -> Unsqueeze -> Concat([., -1]) -> Reshape. Folding marks values
 * that come from the dynamic batch size; a marked entry of a Reshape shape becomes 0 (ONNX "copy
 * this dimension from the input") when it is entry 0 and the input's dimension 0 is the batch,
 * otherwise -1 if the shape has no other -1 (else the model is refused). An export with a static
 * batch (input [1, ...], shape [1, -1]) gets the same rewrite for a literal first entry equal to
 * the declared batch size. The folded {@code [0, -1]} works for any batch in the engine and in
 * ONNX Runtime. Arithmetic on the batch size (e.g. {@code x.size(0) * 2}) is refused.
 *
 * <p>{@link io.qforge.engine.onnx.OnnxExporter} writes a Graph back (opset 13, IR 7, raw
 * initializers with current values, symbolic {@code batch} dimension) through
 * {@link io.qforge.engine.onnx.OnnxModelBuilder} / {@link io.qforge.engine.onnx.OnnxWriter},
 * which a QDQ exporter reuses (QuantizeLinear / DequantizeLinear helpers).
 */
package io.qforge.engine.onnx;
