package io.qforge.storage;

import java.nio.file.Path;

/** Port to the engine's dataset readers: reads headers and labels, checks arrays, shapes and labels. */
public interface DatasetInspector {
    /**
     * @param uploadName the file name the user gave the upload (may be null); messages name the
     *     dataset by it, never by {@code datasetFile}
     * @throws UploadRejected listing every problem ({@code field} = the array name, or {@code file})
     */
    DatasetSummary inspectDataset(Path datasetFile, String uploadName) throws UploadRejected;
}
