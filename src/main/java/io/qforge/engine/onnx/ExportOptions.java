package io.qforge.engine.onnx;

/**
 * What an exported model says about itself.
 *
 * @param producerName    ModelProto.producer_name
 * @param producerVersion ModelProto.producer_version
 * @param docString       ModelProto.doc_string (empty for none)
 */
public record ExportOptions(String producerName, String producerVersion, String docString) {

    public static final ExportOptions DEFAULT = new ExportOptions("qforge", "0.1.0", "");

    public ExportOptions {
        producerName = producerName == null ? "" : producerName;
        producerVersion = producerVersion == null ? "" : producerVersion;
        docString = docString == null ? "" : docString;
    }
}
