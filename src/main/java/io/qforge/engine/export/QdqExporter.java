package io.qforge.engine.export;

import io.qforge.engine.convert.IntModel;
import java.util.Map;
import onnx.Onnx.ModelProto;

/**
 * Writes an {@link IntModel} as an ONNX opset-13 QDQ model that ONNX Runtime runs with integer
 * kernels (QDQ.md):
 *
 * <pre>
 * input (float) -> QuantizeLinear(input encoding)
 * Conv:  DQ(x_q), DQ(W int8, per-channel axis 0, zp 0), DQ(b int32, s_x * s_w[c], zp 0) -> Conv -> [Relu|Clip] -> Q
 * Gemm:  same with Gemm(transB = 1, beta = 1), W [out, in]
 * MaxPool / Reshape / Flatten: DQ -> op -> Q with the same scale and zero point
 * Add / Mul / Concat / Sigmoid / AveragePool / GlobalAveragePool: DQ of every input -> op -> Q
 * float island (an op without an integer kernel, e.g. a standalone BatchNormalization):
 *        DQ of every integer input, float constants -> op [-> Relu|Clip] -> Q (ORT runs it in float)
 * exit: DQ(quantized output) [-> Softmax(axis)] -> graph output (float, dynamic batch)
 * </pre>
 *
 * Each tensor has exactly one QuantizeLinear and one DequantizeLinear per consumer; weights are
 * int8 (per channel, axis 0), biases int32, activations 8-bit per tensor: UINT8 by default (the
 * same values as qforge's signed encodings shifted by 128), INT8 as an option
 * ({@link ActivationType} says why UINT8 is the default: ONNX Runtime on x86 leaves int8 tensors
 * with several consumers unfused). The graph input keeps its name; the
 * float output of each layer keeps the source tensor name (except the last one when it is itself
 * the graph output); every other name is generated and unique ({@link ExportNames}).
 *
 * <p><b>Bit widths below 8.</b> Opset-13 QuantizeLinear saturates to the 8-bit container
 * (int8 [-128, 127], or uint8 [0, 255], the same range shifted), never to a b-bit range such as
 * [-8, 7] for 4 bits. b-bit values are stored in 8-bit containers and the exported model adds a
 * clamp to [qmin, qmax] so that it computes exactly the b-bit semantics ({@link ClampStyle}: by
 * default an 8-bit Clip after QuantizeLinear, which ONNX Runtime 1.29 leaves as a separate cheap
 * op while the Conv/Gemm keep their integer kernels; optionally a float Clip before QuantizeLinear
 * to {@code [s(qmin - z), s(qmax - z)]}, which ORT cannot fold, so the Conv/Gemm then run in
 * float). The same holds for the narrow symmetric range [-127, 127] and for a fused ReLU/ReLU6 the
 * saturation does not already implement (output zero point above qmin). A clamp is written only
 * where needed (not after a max pool / reshape / flatten that keeps its input's encoding). Weights
 * are already integers in their b-bit range and need nothing.
 *
 * <p>Scales are written as float32, so the exported model uses {@code (float) scale}; the bias
 * scale is {@code (float) (s_x * s_w[c])}.
 */
public final class QdqExporter {

    private QdqExporter() {
    }

    public static byte[] toBytes(IntModel m) {
        return toBytes(m, QdqExportOptions.DEFAULT);
    }

    public static byte[] toBytes(IntModel m, QdqExportOptions options) {
        return toModel(m, options).toByteArray();
    }

    public static ModelProto toModel(IntModel m, QdqExportOptions options) {
        return new QdqGraph(m, options).build();
    }

    /**
     * The exported file and the multiply-accumulates per sample of its Conv/Gemm/MatMul ops
     * ({@link MacCounts}): keyed by the INT8 weight initializer of each Conv/Gemm layer, and by
     * {@link MacCounts#ISLAND_PREFIX} + node name for one inside a float island.
     */
    public record Exported(byte[] bytes, Map<String, Long> macs) {
        public Exported {
            macs = Map.copyOf(macs);
        }
    }

    /** {@link #toBytes(IntModel)} with the MAC counts of the same export. */
    public static Exported export(IntModel m) {
        return export(m, QdqExportOptions.DEFAULT);
    }

    /** {@link #toBytes(IntModel, QdqExportOptions)} with the MAC counts of the same export. */
    public static Exported export(IntModel m, QdqExportOptions options) {
        QdqGraph g = new QdqGraph(m, options);
        byte[] bytes = g.build().toByteArray();
        return new Exported(bytes, g.macs());
    }
}
