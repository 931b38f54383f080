/**
 * Quantization building blocks for QAT (QDQ.md, QAT-MATH.md).
 *
 * <ul>
 * <li>{@link io.qforge.engine.quant.QuantConfig}: the validated scheme of a job (bits, granularity,
 *     symmetry, observers, calibration, LSQ, freeze epochs).</li>
 * <li>{@link io.qforge.engine.quant.QuantParams}: one tensor's encoding (scales, zero points,
 *     axis, integer range); {@link io.qforge.engine.quant.QuantPrimitives}: choose params,
 *     quantize, dequantize, fake-quantize (round half to even), quantize a bias.</li>
 * <li>{@link io.qforge.engine.quant.Observer}s watch tensors; {@code encoding(...)} turns what
 *     they saw into params.</li>
 * <li>{@link io.qforge.engine.quant.FakeQuantizer}: the mutable state of one quantization point;
 *     {@link io.qforge.engine.quant.FakeQuantOp} (inputs [x]) and
 *     {@link io.qforge.engine.quant.LsqFakeQuantOp} (inputs [x, scale]) are the graph nodes.</li>
 * </ul>
 */
package io.qforge.engine.quant;
