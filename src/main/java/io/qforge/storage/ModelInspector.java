package io.qforge.storage;

import java.nio.file.Path;

/** Port to the engine's ONNX importer: parses an uploaded model and says whether qforge can train it. */
public interface ModelInspector {
    /**
     * @param uploadName the file name the user gave the upload (may be null); messages name the
     *     model by it, never by {@code onnxFile}
     * @throws UploadRejected listing every problem (unsupported ops by name, or why the file is malformed)
     */
    ModelSummary inspect(Path onnxFile, String uploadName) throws UploadRejected;
}
