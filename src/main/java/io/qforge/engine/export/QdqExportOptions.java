package io.qforge.engine.export;

import io.qforge.engine.onnx.ExportOptions;

/**
 * Options of {@link QdqExporter}.
 *
 * @param model producer name/version and doc string written into the ModelProto
 * @param clamp how ranges the int8 saturation does not give are written ({@link ClampStyle})
 */
public record QdqExportOptions(ExportOptions model, ClampStyle clamp) {

    public static final QdqExportOptions DEFAULT = new QdqExportOptions(ExportOptions.DEFAULT,
            ClampStyle.INT8_AFTER_QUANTIZE);

    public QdqExportOptions {
        if (model == null || clamp == null) {
            throw new IllegalArgumentException("qdq export options: model and clamp are required (got model="
                    + model + ", clamp=" + clamp + ")");
        }
    }

    public QdqExportOptions withModel(ExportOptions m) {
        return new QdqExportOptions(m, clamp);
    }

    public QdqExportOptions withClamp(ClampStyle c) {
        return new QdqExportOptions(model, c);
    }
}
