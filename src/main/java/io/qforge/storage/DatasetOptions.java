package io.qforge.storage;

import io.qforge.api.FieldProblem;
import io.qforge.api.ValidationException;
import io.qforge.engine.data.ingest.CsvOptions;
import io.qforge.engine.data.ingest.IdxConverter;
import io.qforge.engine.data.ingest.ImageOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The form fields of a dataset upload, checked all at once (422 with one entry per field): which
 * format ({@code npz}, {@code idx}, {@code csv}, {@code image-folder}; absent = from the parts, the
 * file name and the content) and that format's options. A field that does not apply to the format
 * is refused rather than ignored.
 */
record DatasetOptions(String format, CsvOptions csv, ImageOptions image) {
    static final List<String> FORMATS = List.of("npz", "idx", "csv", "image-folder");
    static final Set<String> FILE_PARTS = Set.of("file", IdxConverter.Role.TRAIN_IMAGES.part,
            IdxConverter.Role.TRAIN_LABELS.part, IdxConverter.Role.TEST_IMAGES.part, IdxConverter.Role.TEST_LABELS.part);
    static final Set<String> FIELDS = Set.of("name", "format", "labelColumn", "header", "splitColumn", "testFraction",
            "seed", "channels", "height", "width", "scaling", "mean", "std");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "npz", Set.of(),
            "idx", Set.of(),
            "csv", Set.of("labelColumn", "header", "splitColumn", "testFraction", "seed"),
            "image-folder", Set.of("channels", "height", "width", "scaling", "mean", "std", "testFraction", "seed"));
    /** Largest height or width to resize to (the pixel limit bounds their product). */
    static final int MAX_SIDE = 65_536;

    /**
     * @param guessed the format to use when the {@code format} field is absent and the parts do not
     *     decide it (called only then)
     */
    static DatasetOptions parse(Map<String, String> fields, Set<String> parts, java.util.function.Supplier<String> guessed) {
        var problems = new ArrayList<FieldProblem>();
        boolean idxParts = parts.stream().anyMatch(p -> !p.equals("file"));
        if (idxParts && parts.contains("file")) {
            problems.add(new FieldProblem("file", "send either one 'file' part or the four IDX parts (train_images, "
                    + "train_labels, test_images, test_labels), not both", null));
            throw invalid(problems);
        }
        String format = fields.get("format") == null ? null : fields.get("format").strip().toLowerCase(Locale.ROOT);
        if (format != null && !FORMATS.contains(format)) {
            problems.add(new FieldProblem("format", "must be one of " + FORMATS + ", got '" + fields.get("format") + "'",
                    fields.get("format")));
            throw invalid(problems);
        }
        if (idxParts && format != null && !format.equals("idx")) {
            problems.add(new FieldProblem("format", "the upload has IDX parts (train_images, ...) but format is '"
                    + format + "'", format));
            throw invalid(problems);
        }
        if (format == null) {
            format = idxParts ? "idx" : guessed.get();
        }
        for (String f : fields.keySet()) {
            if (!f.equals("name") && !f.equals("format") && !OPTIONS.get(format).contains(f)) {
                problems.add(new FieldProblem(f, f + " does not apply to format " + format + (OPTIONS.get(format).isEmpty()
                        ? " (it takes no options)" : "; its options are " + new java.util.TreeSet<>(OPTIONS.get(format))),
                        fields.get(f)));
            }
        }
        var p = new Fields(fields, problems);
        double testFraction = p.fraction("testFraction", CsvOptions.DEFAULT_TEST_FRACTION);
        long seed = p.integer("seed", 0);
        CsvOptions csv = null;
        ImageOptions image = null;
        if (format.equals("csv")) {
            Boolean header = p.bool("header");
            String label = p.text("labelColumn");
            String split = p.text("splitColumn");
            if (problems.isEmpty()) {
                csv = new CsvOptions(label, header, split, testFraction, seed);
            }
        } else if (format.equals("image-folder")) {
            Integer channels = p.choice("channels", 1, 3);
            Integer height = p.side("height");
            Integer width = p.side("width");
            if (fields.containsKey("height") != fields.containsKey("width")) {
                problems.add(new FieldProblem(fields.containsKey("height") ? "width" : "height",
                        "height and width go together (the size every image is resized to)", null));
            }
            String scaling = fields.getOrDefault("scaling", "unit").strip();
            float[] mean = p.floats("mean");
            float[] std = p.floats("std");
            if (!scaling.equals("unit") && !scaling.equals("standardize")) {
                problems.add(new FieldProblem("scaling", "must be 'unit' (pixels / 255, 0-1) or 'standardize' "
                        + "((pixels / 255 - mean) / std), got '" + scaling + "'", scaling));
            } else if (scaling.equals("standardize")) {
                if (fields.get("mean") == null || fields.get("std") == null) {
                    problems.add(new FieldProblem(fields.get("mean") == null ? "mean" : "std",
                            "scaling 'standardize' needs mean and std (1 value, or one per channel, comma-separated)", null));
                }
                if (std != null) {
                    for (float s : std) {
                        if (!(s > 0)) {
                            problems.add(new FieldProblem("std", "every std value must be > 0, got "
                                    + Arrays.toString(std), fields.get("std")));
                            break;
                        }
                    }
                }
                if (channels != null && mean != null && mean.length != 1 && mean.length != channels) {
                    problems.add(new FieldProblem("mean", "mean has " + mean.length + " values; give 1 or " + channels, fields.get("mean")));
                }
                if (channels != null && std != null && std.length != 1 && std.length != channels) {
                    problems.add(new FieldProblem("std", "std has " + std.length + " values; give 1 or " + channels, fields.get("std")));
                }
            } else if (fields.containsKey("mean") || fields.containsKey("std")) {
                problems.add(new FieldProblem(fields.containsKey("mean") ? "mean" : "std",
                        "mean and std apply with scaling=standardize only", null));
            }
            if (problems.isEmpty()) {
                boolean standardize = scaling.equals("standardize");
                image = new ImageOptions(channels, height, width, standardize ? mean : null, standardize ? std : null,
                        testFraction, seed);
            }
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return new DatasetOptions(format, csv, image);
    }

    private static ValidationException invalid(List<FieldProblem> problems) {
        return new ValidationException("The dataset upload was not accepted: " + problems.size() + " problem(s) with its"
                + " fields: " + problems.get(0).field() + ": " + problems.get(0).message(), problems);
    }

    /** Typed reads of the text fields, each adding a problem instead of throwing. */
    private record Fields(Map<String, String> raw, List<FieldProblem> problems) {
        String text(String name) {
            String v = raw.get(name);
            return v == null || v.isBlank() ? null : v.strip();
        }

        Boolean bool(String name) {
            String v = text(name);
            if (v == null || v.equalsIgnoreCase("auto")) return null;
            if (v.equalsIgnoreCase("true")) return true;
            if (v.equalsIgnoreCase("false")) return false;
            problems.add(new FieldProblem(name, "must be true, false or auto, got '" + v + "'", v));
            return null;
        }

        double fraction(String name, double dflt) {
            String v = text(name);
            if (v == null) return dflt;
            try {
                double d = Double.parseDouble(v);
                if (d > 0 && d < 1) return d;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(new FieldProblem(name, "must be a number greater than 0 and less than 1, got '" + v + "'", v));
            return dflt;
        }

        long integer(String name, long dflt) {
            String v = text(name);
            if (v == null) return dflt;
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                problems.add(new FieldProblem(name, "must be an integer, got '" + v + "'", v));
                return dflt;
            }
        }

        Integer choice(String name, int... allowed) {
            String v = text(name);
            if (v == null) return null;
            for (int a : allowed) {
                if (v.equals(String.valueOf(a))) return a;
            }
            problems.add(new FieldProblem(name, "must be one of " + Arrays.toString(allowed) + ", got '" + v + "'", v));
            return null;
        }

        Integer side(String name) {
            String v = text(name);
            if (v == null) return null;
            try {
                int i = Integer.parseInt(v);
                if (i >= 1 && i <= MAX_SIDE) return i;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add(new FieldProblem(name, "must be an integer from 1 to " + MAX_SIDE + ", got '" + v + "'", v));
            return null;
        }

        float[] floats(String name) {
            String v = text(name);
            if (v == null) return null;
            String[] parts = v.split(",");
            float[] out = new float[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Float.parseFloat(parts[i].strip());
                    if (!Float.isFinite(out[i])) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    problems.add(new FieldProblem(name, "must be 1 or 3 comma-separated finite numbers, got '" + v + "'", v));
                    return null;
                }
            }
            return out;
        }
    }
}
