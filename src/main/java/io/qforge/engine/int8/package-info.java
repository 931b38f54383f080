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
 * </ul>
 */
package io.qforge.engine.int8;
