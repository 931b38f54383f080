package io.qforge.engine.export;

import io.qforge.engine.graph.ElementType;

/**
 * The container type of quantized activations in the exported model. qforge's encodings are
 * signed ({@code q in [qmin, qmax]}, inside int8); as UINT8 they are stored shifted by 128
 * ({@code q_u8 = q + 128}, {@code z_u8 = z + 128}), which represents exactly the same real values
 * ({@code s (q_u8 - z_u8) = s (q - z)}) and saturates at the same points.
 *
 * <p>Why UINT8 is the default: on x86-64, ONNX Runtime (1.29, default session options) rewrites
 * int8 Q/DQ pairs to uint8 ({@code QDQS8ToU8Transformer}) but only where a QuantizeLinear has
 * exactly one consumer, and that consumer is a DequantizeLinear. A tensor read by two layers
 * (a residual branch, a Concat input) or followed by an integer Clip stays int8 while its
 * neighbours become uint8, and the node units whose input and output types then differ are not
 * fused: the Conv/Add/Mul/Concat run in float. UINT8 activations never need that rewrite. INT8
 * activations fuse everywhere only with the session option {@code session.qdqisint8allowed=1}
 * (the default on ARM), and then run slowly on x86: measured on this AVX-512 VNNI CPU
 * ({@code BENCH_OPTS=-Dbench.activations=INT8 bench/latency.sh resnet18}, BENCHMARKS.md "INT8
 * deployment speed"), resnet18 with int8 activations becomes 20 QLinearConv + QGemm as with uint8,
 * but runs 7.7x slower than FP32 at batch 64 (uint8: 0.27x): MLAS's fast int8 GEMM is U8S8.
 */
public enum ActivationType {
    INT8(ElementType.INT8, 0),
    UINT8(ElementType.UINT8, 128);

    private final ElementType elementType;
    private final int shift;

    ActivationType(ElementType elementType, int shift) {
        this.elementType = elementType;
        this.shift = shift;
    }

    public ElementType elementType() {
        return elementType;
    }

    /** The stored integer for a signed value {@code q} in [-128, 127]. */
    public int stored(int q) {
        return q + shift;
    }

    /** The smallest storable integer, as a signed value: always -128. */
    public int signedMin() {
        return -128;
    }

    /** The largest storable integer, as a signed value: always 127. */
    public int signedMax() {
        return 127;
    }
}
