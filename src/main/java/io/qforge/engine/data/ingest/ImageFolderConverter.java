package io.qforge.engine.data.ingest;

import io.qforge.engine.data.InflatedBudget;
import io.qforge.engine.data.InflatedBytesExceeded;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A zip of images in class folders to the canonical archive: {@code train/<class>/*.png|jpg} and
 * {@code test/<class>/...} (a test folder is optional: without it, or for a zip of plain
 * {@code <class>/...} folders, a seeded share of the images becomes the test split), optionally
 * all under one top folder. Classes are the train class folders in sorted name order (as
 * torchvision's ImageFolder numbers them); a test class without a train folder is refused.
 * Files whose name starts with a dot and {@code __MACOSX/} are skipped; any other file that is not
 * a .png/.jpg/.jpeg at class-folder depth is refused, naming it.
 *
 * <p>Every image is checked by its header (pixel limit) before it is decoded, converted to the
 * requested channels and size, and appended to a spool on disk; samples are {@code [C, H, W]}.
 */
public final class ImageFolderConverter {
    private static final String LAYOUT = "an image-folder zip holds train/<class>/<image> and optionally"
            + " test/<class>/<image>, or <class>/<image> only (PNG or JPEG), optionally inside one top folder";

    private record Image(ZipArchiveEntry entry, String split, String label) {}

    private ImageFolderConverter() {
    }

    public static Converted convert(Path zipFile, String fileName, ImageOptions options, Path workDir, Path npz,
            IngestLimits limits) throws IOException {
        var budget = new InflatedBudget(limits.arrays().maxInflatedBytes(), fileName);
        try (ZipFile zip = Archives.openZip(zipFile, fileName, limits.maxImages(), "qforge.datasets.max-images")) {
            List<Image> images = layout(Archives.sortedFiles(zip), fileName);
            TreeSet<String> classSet = new TreeSet<>();
            boolean split = images.stream().anyMatch(i -> i.split() != null);
            for (Image i : images) {
                if (i.split() == null || i.split().equals("train")) {
                    classSet.add(i.label());
                }
            }
            for (Image i : images) {
                if (!classSet.contains(i.label())) {
                    throw new SourceException("file", fileName + ": the class folder test/" + Archives.shorten(i.label())
                            + "/ has no train/" + Archives.shorten(i.label()) + "/; every test class needs training images");
                }
            }
            if (classSet.size() < 2) {
                throw new SourceException("file", fileName + " has " + classSet.size() + " class folder(s) "
                        + classSet + "; a classification dataset needs at least 2 (" + LAYOUT + ")");
            }
            if (classSet.size() > limits.maxClasses()) {
                throw new SourceException("file", fileName + " has " + classSet.size() + " class folders, more than "
                        + limits.maxClasses() + " (qforge.datasets.max-classes)");
            }
            List<String> classes = List.copyOf(classSet);
            return decodeAll(zip, images, classes, split, fileName, options, workDir, npz, limits, budget);
        } catch (InflatedBytesExceeded e) {
            throw new SourceException("file", e.getMessage() + " (qforge.uploads.max-inflated-bytes)", e);
        }
    }

    private static Converted decodeAll(ZipFile zip, List<Image> images, List<String> classes, boolean split,
            String fileName, ImageOptions options, Path workDir, Path npz, IngestLimits limits, InflatedBudget budget)
            throws IOException {
        SampleSpool spool = null;
        String firstName = null;
        ImageDecoding.Planes first = null;
        try {
            for (Image image : images) {
                String what = fileName + ": '" + Archives.display(image.entry()) + "'";
                byte[] bytes = read(zip, image.entry(), what, limits.maxImageBytes(), budget);
                Integer channels = first != null ? Integer.valueOf(first.channels()) : options.channels();
                var planes = ImageDecoding.decode(bytes, what, limits.maxImagePixels(), channels);
                if (options.height() != null) {
                    planes = ImageDecoding.resize(planes, options.height(), options.width());
                } else if (first != null && (planes.height() != first.height() || planes.width() != first.width())) {
                    throw new SourceException("file", what + " is " + planes.width() + "x" + planes.height()
                            + " (width x height) but " + firstName + " is " + first.width() + "x" + first.height()
                            + "; give height and width to resize every image");
                }
                if (first == null) {
                    first = planes;
                    firstName = "'" + Archives.display(image.entry()) + "'";
                    if (options.standardize() && options.mean().length != 1 && options.mean().length != planes.channels()) {
                        throw new SourceException("mean", "mean has " + options.mean().length + " values; give 1 or "
                                + planes.channels() + " (one per channel)");
                    }
                    if (options.standardize() && options.std().length != 1 && options.std().length != planes.channels()) {
                        throw new SourceException("std", "std has " + options.std().length + " values; give 1 or "
                                + planes.channels() + " (one per channel)");
                    }
                    spool = new SampleSpool(workDir, options.standardize() ? "<f4" : "|u1",
                            new long[] {planes.channels(), planes.height(), planes.width()}, limits.maxImages(),
                            fileName + " holds more than " + limits.maxImages() + " images (qforge.datasets.max-images)");
                }
                SampleSpool.Split where = !split ? SampleSpool.Split.EITHER
                        : image.split().equals("train") ? SampleSpool.Split.TRAIN : SampleSpool.Split.TEST;
                spool.add(sample(planes, options), classes.indexOf(image.label()), where);
            }
            boolean hasTest = split;
            var written = spool.writeNpz(npz, options.testFraction(), options.seed(), null, limits.arrays(),
                    limits.maxOutputBytes());
            Map<String, Object> conversion = new LinkedHashMap<>();
            conversion.put("channels", first.channels());
            conversion.put("height", first.height());
            conversion.put("width", first.width());
            conversion.put("resized", options.height() != null);
            conversion.put("scaling", options.standardize() ? "standardize" : "unit");
            if (options.standardize()) {
                conversion.put("mean", floats(options.mean()));
                conversion.put("std", floats(options.std()));
            }
            if (!hasTest) {
                conversion.put("testFraction", options.testFraction());
                conversion.put("seed", options.seed());
            }
            return new Converted("image-folder", classes, conversion, written.train(), written.test());
        } finally {
            if (spool != null) {
                spool.close();
            }
        }
    }

    /** uint8 planes as they are (unit scaling: read back as v/255), or float32 (v/255 - mean) / std. */
    private static byte[] sample(ImageDecoding.Planes p, ImageOptions options) {
        int n = p.height() * p.width();
        if (!options.standardize()) {
            byte[] out = new byte[p.channels() * n];
            for (int c = 0; c < p.channels(); c++) {
                System.arraycopy(p.planes()[c], 0, out, c * n, n);
            }
            return out;
        }
        ByteBuffer out = ByteBuffer.allocate(p.channels() * n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < p.channels(); c++) {
            float mean = options.mean()[options.mean().length == 1 ? 0 : c];
            float std = options.std()[options.std().length == 1 ? 0 : c];
            for (int i = 0; i < n; i++) {
                out.putFloat(((p.planes()[c][i] & 0xFF) / 255f - mean) / std);
            }
        }
        return out.array();
    }

    private static List<Double> floats(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }

    private static byte[] read(ZipFile zip, ZipArchiveEntry e, String what, long maxBytes, InflatedBudget budget)
            throws IOException {
        if (e.getSize() > maxBytes) {
            throw new SourceException("file", what + " declares " + e.getSize() + " bytes, more than " + maxBytes
                    + " (qforge.datasets.max-image-bytes)");
        }
        try (InputStream in = budget.wrap(zip.getInputStream(e), e.getName())) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new SourceException("file", what + " holds more than " + maxBytes
                        + " bytes (qforge.datasets.max-image-bytes)");
            }
            if (e.getSize() >= 0 && e.getSize() != bytes.length) {
                throw new SourceException("file", what + ": the zip entry declares " + e.getSize() + " bytes but holds "
                        + bytes.length);
            }
            return bytes;
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new SourceException("file", what + " cannot be inflated: " + ex.getMessage(), ex);
        }
    }

    /** Each file's split (null when the zip has none) and class, or a refusal naming the file. */
    static List<Image> layout(List<ZipArchiveEntry> files, String fileName) {
        List<ZipArchiveEntry> kept = new ArrayList<>();
        for (ZipArchiveEntry e : files) {
            String name = e.getName().replace('\\', '/');
            String base = name.substring(name.lastIndexOf('/') + 1);
            if (name.startsWith("__MACOSX/") || base.startsWith(".") || base.equalsIgnoreCase("Thumbs.db")
                    || base.equalsIgnoreCase("desktop.ini")) {
                continue;
            }
            kept.add(e);
        }
        if (kept.isEmpty()) {
            throw new SourceException("file", fileName + " holds no images; " + LAYOUT);
        }
        List<String[]> paths = new ArrayList<>();
        for (ZipArchiveEntry e : kept) {
            paths.add(e.getName().replace('\\', '/').split("/"));
        }
        int skip = commonTop(paths) ? 1 : 0;
        boolean split = paths.stream().anyMatch(p -> p.length - skip == 3 && isSplit(p[skip]));
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            String[] p = paths.get(i);
            int depth = p.length - skip;
            String where = fileName + ": '" + Archives.display(kept.get(i)) + "'";
            if (split ? depth != 3 || !isSplit(p[skip]) : depth != 2) {
                throw new SourceException("file", where + " is not where " + LAYOUT.replace("an image-folder zip holds ",
                        "images go: "));
            }
            String ext = p[p.length - 1].toLowerCase(Locale.ROOT);
            if (!(ext.endsWith(".png") || ext.endsWith(".jpg") || ext.endsWith(".jpeg"))) {
                throw new SourceException("file", where + " is not a .png, .jpg or .jpeg file");
            }
            String label = p[p.length - 2];
            if (label.isEmpty()) {
                throw new SourceException("file", where + " has an empty class folder name");
            }
            images.add(new Image(kept.get(i), split ? p[skip].toLowerCase(Locale.ROOT) : null, label));
        }
        if (split && images.stream().noneMatch(i -> i.split().equals("test"))) {
            // only train/: treat as one folder and split it with the seed
            return images.stream().map(i -> new Image(i.entry(), null, i.label())).toList();
        }
        return images;
    }

    private static boolean isSplit(String segment) {
        return segment.equalsIgnoreCase("train") || segment.equalsIgnoreCase("test");
    }

    /** Whether every file sits under one top folder that is not itself train/ or test/ (and is deep enough). */
    private static boolean commonTop(List<String[]> paths) {
        String top = null;
        for (String[] p : paths) {
            if (p.length < 3 || (top != null && !top.equals(p[0]))) {
                return false;
            }
            top = p[0];
        }
        return top != null && !isSplit(top);
    }
}
