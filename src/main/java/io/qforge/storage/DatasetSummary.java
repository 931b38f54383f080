package io.qforge.storage;

import java.util.List;

/**
 * What the reader found in an uploaded dataset: its arrays (name, dtype, shape), the shape of
 * one sample (without the sample axis), the number of classes (largest label + 1) and the
 * train/test sample counts.
 */
public record DatasetSummary(String format, List<ArrayInfo> arrays, List<Long> sampleShape, int classes,
                             long trainSamples, long testSamples) {

    public record ArrayInfo(String name, String dtype, List<Long> shape) {}
}
