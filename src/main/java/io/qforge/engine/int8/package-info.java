/**
 * Integer-arithmetic-only inference kernels (QAT-MATH.md, "Integer requantization"): int8
 * tensors are INDArrays of type INT8 (NCHW for images), accumulators INT32.
 *
 * <ul>
 * <li>{@link io.qforge.engine.int8.FixedPoint}, {@link io.qforge.engine.int8.FixedPointMultiplier},
 *     {@link io.qforge.engine.int8.Requantizer}: int32 to int8 with a Q31 multiplier and shift.</li>
 * <li>{@link io.qforge.engine.int8.Int8Gemm}: exact int8 x int8 -> int32 with zero points.</li>
 * <li>{@link io.qforge.engine.int8.Int8Conv2d} (groups, depthwise) on
 *     {@link io.qforge.engine.int8.Int8Im2col}; {@link io.qforge.engine.int8.Int8Linear}.</li>
 * <li>{@link io.qforge.engine.int8.Int8MaxPool}, {@link io.qforge.engine.int8.Int8AveragePool}
 *     (incl. global), {@link io.qforge.engine.int8.Int8Add},
 *     {@link io.qforge.engine.int8.FusedActivation} (ReLU / ReLU6 as clamps).</li>
 * <li>{@link io.qforge.engine.int8.Int8Mul}, {@link io.qforge.engine.int8.Int8Concat},
 *     {@link io.qforge.engine.int8.Int8Lut} (Sigmoid and requantization tables),
 *     {@link io.qforge.engine.int8.Int8Broadcast} (numpy broadcasting for Add / Mul),
 *     {@link io.qforge.engine.int8.ClampRange} (any fused float clip as an integer clamp),
 *     {@link io.qforge.engine.int8.RequantRounding} (gemmlowp or single half-to-even rounding).</li>
 * <li>{@link io.qforge.engine.int8.IntExecutor}: runs a converted
 *     {@link io.qforge.engine.convert.IntModel} with integer arithmetic only between the input
 *     quantization and the output dequantization.</li>
 * </ul>
 */
package io.qforge.engine.int8;
