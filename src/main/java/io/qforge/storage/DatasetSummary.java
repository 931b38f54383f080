package io.qforge.storage;

import java.util.List;
import java.util.Map;

/**
 * What the reader found in an uploaded dataset: its arrays (name, dtype, shape), the shape of
 * one sample (without the sample axis), the number of classes (largest label + 1) and the
 * train/test sample counts; where it came from ({@code source}: the format and file names the user
 * uploaded; {@code format} is always the stored form, npz), the class names when the source had
 * them (CSV label texts, image class folders; null otherwise) and how samples were made from the
 * source ({@code conversion}: channels, size, scaling, label column, split; null for .npz).
 */
public record DatasetSummary(String format, List<ArrayInfo> arrays, List<Long> sampleShape, int classes,
                             long trainSamples, long testSamples, Source source, List<String> classNames,
                             Map<String, Object> conversion) {

    public DatasetSummary(String format, List<ArrayInfo> arrays, List<Long> sampleShape, int classes,
            long trainSamples, long testSamples) {
        this(format, arrays, sampleShape, classes, trainSamples, testSamples, null, null, null);
    }

    public record ArrayInfo(String name, String dtype, List<Long> shape) {}

    /** The upload as the user made it: {@code npz}, {@code idx}, {@code csv} or {@code image-folder}, and its file names. */
    public record Source(String format, List<String> files) {}

    /** This summary with where it came from. */
    public DatasetSummary from(Source from, List<String> names, Map<String, Object> how) {
        return new DatasetSummary(format, arrays, sampleShape, classes, trainSamples, testSamples, from, names, how);
    }
}
