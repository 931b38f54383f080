package io.qforge.storage;

import io.qforge.api.FieldProblem;
import io.qforge.config.QforgeProperties;
import io.qforge.engine.data.DatasetException;
import io.qforge.engine.data.ingest.Converted;
import io.qforge.engine.data.ingest.CsvConverter;
import io.qforge.engine.data.ingest.IdxConverter;
import io.qforge.engine.data.ingest.ImageFolderConverter;
import io.qforge.engine.data.ingest.IngestLimits;
import io.qforge.engine.data.ingest.SourceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The port to the engine's converters: an IDX, CSV or image-folder upload becomes the canonical
 * .npz in a work directory; a problem becomes a 422 whose field is the multipart part or form
 * field at fault ({@code file}, {@code train_labels}, {@code labelColumn}, ...) and whose message
 * names the user's file (and entry, line, column) and what is wrong.
 */
@Component
class DatasetConversions {
    private static final Logger log = LoggerFactory.getLogger(DatasetConversions.class);
    private final QforgeProperties props;

    DatasetConversions(QforgeProperties props) {
        this.props = props;
    }

    IngestLimits limits() {
        return props.getDatasets().ingestLimits(props.getUploads());
    }

    /** Converts into {@code npz}; {@code names} maps each part to the user's file name as messages show it. */
    Converted convert(DatasetOptions options, Map<String, MultipartUpload.FilePart> parts, Map<String, String> names,
            Path workDir, Path npz) throws UploadRejected, IOException {
        var limits = limits();
        String display = names.getOrDefault("file", "'dataset'");
        try {
            return switch (options.format()) {
                case "idx" -> parts.containsKey("file")
                        ? IdxConverter.fromArchive(parts.get("file").file().file(), display, workDir, npz, limits)
                        : IdxConverter.fromParts(idxParts(parts, names), workDir, npz, limits);
                case "csv" -> CsvConverter.convert(parts.get("file").file().file(), display, options.csv(), workDir, npz,
                        limits);
                case "image-folder" -> {
                    var image = options.image();
                    if (image.height() != null && (long) image.height() * image.width() > limits.maxImagePixels()) {
                        throw new SourceException("height", "height x width = " + (long) image.height() * image.width()
                                + " pixels, more than " + limits.maxImagePixels() + " (qforge.datasets.max-image-pixels)");
                    }
                    yield ImageFolderConverter.convert(parts.get("file").file().file(), display, image, workDir, npz, limits);
                }
                default -> throw new IllegalArgumentException("not a converted format: " + options.format());
            };
        } catch (SourceException e) {
            throw rejected(e.field(), e.getMessage(), options.format(), names.getOrDefault(e.field(), display));
        } catch (DatasetException e) {
            throw rejected("file", e.getMessage(), options.format(), display);
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("conversion of {} upload {} failed unexpectedly", options.format(), display, e);
            throw rejected("file", display + " could not be converted: " + EngineDatasetInspector.describe(e)
                    .replace(workDir.toString(), "(work dir)"), options.format(), display);
        }
    }

    private static Map<IdxConverter.Role, IdxConverter.Part> idxParts(Map<String, MultipartUpload.FilePart> parts,
            Map<String, String> names) {
        Map<IdxConverter.Role, IdxConverter.Part> out = new EnumMap<>(IdxConverter.Role.class);
        for (var role : IdxConverter.Role.values()) {
            var p = parts.get(role.part);
            if (p != null) {
                out.put(role, new IdxConverter.Part(names.get(role.part), p.file().file()));
            }
        }
        return out;
    }

    /** The detail names the upload (the part's file at fault, else the main file) and says what is wrong. */
    private static UploadRejected rejected(String field, String message, String format, String display) {
        String why = message.startsWith(display + ": ") ? message.substring(display.length() + 2) : message;
        return new UploadRejected("The " + format + " dataset " + display + " cannot be used: " + why,
                List.of(new FieldProblem(field, message, null)));
    }
}
