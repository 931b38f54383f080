package io.qforge.storage;

import java.nio.file.Path;

/** Port to the engine's dataset readers: reads headers and labels, checks arrays, shapes and labels. */
public interface DatasetInspector {
    /** @throws UploadRejected listing every problem ({@code field} = the array name) */
    DatasetSummary inspectDataset(Path datasetFile) throws UploadRejected;
}
