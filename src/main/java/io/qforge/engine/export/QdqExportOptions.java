package io.qforge.engine.export;

import io.qforge.engine.onnx.ExportOptions;

/**
 * Options of {@link QdqExporter}.
 *
 * @param model       producer name/version and doc string written into the ModelProto
 * @param clamp       how ranges the 8-bit saturation does not give are written ({@link ClampStyle})
 * @param activations the container type of activations ({@link ActivationType}); weights are always
 *                    int8, biases int32
 */
public record QdqExportOptions(ExportOptions model, ClampStyle clamp, ActivationType activations) {

    /** UINT8 activations, integer clamps after QuantizeLinear: fused by ONNX Runtime with default options. */
    public static final QdqExportOptions DEFAULT = new QdqExportOptions(ExportOptions.DEFAULT,
            ClampStyle.INTEGER_AFTER_QUANTIZE, ActivationType.UINT8);

    public QdqExportOptions {
        if (model == null || clamp == null || activations == null) {
            throw new IllegalArgumentException("qdq export options: model, clamp and activations are required (got model="
                    + model + ", clamp=" + clamp + ", activations=" + activations + ")");
        }
    }

    public QdqExportOptions withModel(ExportOptions m) {
        return new QdqExportOptions(m, clamp, activations);
    }

    public QdqExportOptions withClamp(ClampStyle c) {
        return new QdqExportOptions(model, c, activations);
    }

    public QdqExportOptions withActivations(ActivationType a) {
        return new QdqExportOptions(model, clamp, a);
    }
}
