package io.qforge.engine.export;

import io.qforge.engine.convert.IntModel;
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
 * exit: DQ(quantized output) [-> Softmax(axis)] -> graph output (float, dynamic batch)
 * </pre>
 *
 * Each tensor has exactly one QuantizeLinear and one DequantizeLinear per consumer; activations
 * are int8 with int8 zero points, weights int8, biases int32. The graph input keeps its name; the
 * float output of each layer keeps the source tensor name (except the last one when it is itself
 * the graph output); every other name is generated and unique ({@link ExportNames}).
 *
 * <p><b>Bit widths below 8.</b> Opset-13 QuantizeLinear saturates to int8's [-128, 127]; a b-bit
 * encoding (e.g. [-8, 7] for 4 bits) cannot be expressed in it. Such values are stored in int8
 * containers and the exported model adds a clamp to [qmin, qmax] ({@link ClampStyle}: by default
 * an int8 Clip after QuantizeLinear, which keeps the integer kernels; optionally a float Clip before
 * it to {@code [s(qmin - z), s(qmax - z)]}), so the model computes exactly the b-bit semantics.
 * The same holds for the narrow symmetric range [-127, 127]. Weights are already integers in their
 * b-bit range and need nothing.
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
}
