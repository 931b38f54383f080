package io.qforge.engine.data.ingest;

import java.util.List;
import java.util.Map;

/**
 * What a conversion produced, besides the archive itself.
 *
 * @param sourceFormat {@code idx}, {@code csv} or {@code image-folder}
 * @param classNames class index -> name, when the source names its classes (CSV label texts,
 *     image class folders); null when the labels are plain numbers
 * @param conversion how the samples were made (options applied, as the dataset record shows them)
 */
public record Converted(String sourceFormat, List<String> classNames,
                        Map<String, Object> conversion, long trainSamples, long testSamples) {
}
