package io.qforge.engine.data.ingest;

import io.qforge.engine.data.DatasetLimits;

/**
 * Bounds of a conversion, checked before anything is allocated from a size a file declares.
 *
 * @param arrays the dataset limits (elements per array, inflated bytes, zip entries)
 * @param maxOutputBytes the most bytes the converted .npz may take (it is stored as the dataset)
 * @param maxImages the most images (and entries) an image-folder zip may hold
 * @param maxImagePixels the most pixels (width x height, from the image header) one image may declare
 * @param maxImageBytes the most bytes one image file may hold
 * @param maxCsvRows the most data rows of a CSV
 * @param maxCsvColumns the most columns of a CSV
 * @param maxCsvCellChars the most characters of one CSV cell
 * @param maxClasses the most distinct classes (labels) of a CSV or class folders of an image zip
 */
public record IngestLimits(DatasetLimits arrays, long maxOutputBytes, int maxImages, long maxImagePixels,
                           long maxImageBytes, int maxCsvRows, int maxCsvColumns, int maxCsvCellChars, int maxClasses) {

    /** Defaults as the service documents them. */
    public static final IngestLimits DEFAULT = new IngestLimits(DatasetLimits.DEFAULT, 1000L << 20, 100_000,
            4096L * 4096, 32L << 20, 10_000_000, 100_000, 1000, 10_000);

    public IngestLimits {
        if (maxOutputBytes <= 0 || maxImages <= 0 || maxImagePixels <= 0 || maxImageBytes <= 0 || maxCsvRows <= 0
                || maxCsvColumns <= 0 || maxCsvCellChars <= 0 || maxClasses <= 0) {
            throw new IllegalArgumentException("every ingest limit must be > 0");
        }
    }
}
