package io.qforge.engine.ops;

/**
 * How an op is quantized (docs/QUANTIZATION-POLICY.md). The quantization plan and the integer
 * converter read it from the {@link OpTable}.
 */
public enum QuantRole {
    /**
     * An integer kernel: the op's output gets its own quantizer and the converter builds an integer
     * layer (Conv, Gemm, Add, Concat, ...). When an input is a constant (or, for Conv/Gemm/MatMul,
     * the weight is not one) the op runs as a {@link #FLOAT_ISLAND} instead.
     */
    INTEGER,
    /**
     * Moves or selects values without computing new ones (MaxPool, Reshape, Flatten, Identity, ...):
     * the output shares its input's encoding and no quantizer is placed after it. The integer engine
     * runs it on the integer values; ONNX Runtime drops the DequantizeLinear/QuantizeLinear around it.
     */
    SHARES_INPUT_ENCODING,
    /**
     * No integer kernel: runs in float between DequantizeLinear of its inputs and QuantizeLinear of
     * its output, in the integer engine and in the exported file; the output has its own quantizer.
     */
    FLOAT_ISLAND,
    /**
     * Stays float when it produces the graph output, after the last quantized tensor (a final
     * Softmax); anywhere else it is a {@link #FLOAT_ISLAND}.
     */
    FLOAT_TAIL
}
