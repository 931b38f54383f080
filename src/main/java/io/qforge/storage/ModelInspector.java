package io.qforge.storage;

import java.nio.file.Path;

/** Port to the engine's ONNX importer: parses an uploaded model and says whether qforge can train it. */
public interface ModelInspector {
    /** @throws UploadRejected listing every problem (unsupported ops by name, or why the file is malformed) */
    ModelSummary inspect(Path onnxFile) throws UploadRejected;
}
