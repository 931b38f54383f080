package io.qforge.engine.data.ingest;

import io.qforge.engine.data.InflatedBudget;
import io.qforge.engine.data.InflatedBytesExceeded;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * IDX files (MNIST / Fashion-MNIST: images {@code 0x00000803 N rows cols} + uint8 pixels, labels
 * {@code 0x00000801 N} + uint8 labels; each plain or gzipped) to the canonical archive, as four
 * multipart parts or as one zip or tar (optionally gzipped) holding the standard file names.
 *
 * <p>Each file is streamed into a {@code .npy} on disk (pixels stay uint8, so a job reads them
 * divided by 255, as {@link io.qforge.engine.data.IdxReader} does): the header's sizes are checked
 * against the limits before a byte of data is copied, exactly as many bytes as declared must
 * follow (truncated and trailing data refused; a gzip bomb stops at the declared size plus one
 * byte), and every inflated byte counts against the upload's inflated-bytes budget.
 */
public final class IdxConverter {
    /** The four files, by multipart part name. */
    public enum Role {
        TRAIN_IMAGES("train_images", "x_train"), TRAIN_LABELS("train_labels", "y_train"),
        TEST_IMAGES("test_images", "x_test"), TEST_LABELS("test_labels", "y_test");

        public final String part;
        final String array;

        Role(String part, String array) {
            this.part = part;
            this.array = array;
        }

        boolean images() {
            return this == TRAIN_IMAGES || this == TEST_IMAGES;
        }
    }

    /** One uploaded IDX file: the part it came in, the user's file name, the spooled file. */
    public record Part(String fileName, Path file) {}

    /** MNIST's names, with {@code t10k} or {@code test}, {@code -} or {@code .} before {@code idx}, optional .gz. */
    static final Pattern STANDARD_NAME = Pattern.compile("(train|t10k|test)-(images|labels)[.-]idx([13])-ubyte(\\.gz)?",
            Pattern.CASE_INSENSITIVE);
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private record Npy(Path file, long count, long rows, long cols, String source) {}

    private IdxConverter() {
    }

    /** The four files as separate parts. */
    public static Converted fromParts(Map<Role, Part> parts, Path workDir, Path npz, IngestLimits limits)
            throws IOException {
        var budget = new InflatedBudget(limits.arrays().maxInflatedBytes(), "the IDX upload");
        Map<Role, Npy> npys = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            Part p = parts.get(role);
            if (p == null) {
                throw new SourceException(role.part, "the IDX upload has no '" + role.part + "' part; send "
                        + "train_images, train_labels, test_images and test_labels (or one zip/tar of the four files)");
            }
            String what = p.fileName() + " (" + role.part + ")";
            try (InputStream in = Files.newInputStream(p.file())) {
                npys.put(role, toNpy(in, role, role.part, what, workDir, budget, limits));
            }
        }
        return finish(npys, npz, limits, List.of(), false);
    }

    /** One zip or tar (plain or gzipped) with the four standard files, in any directory. */
    public static Converted fromArchive(Path archive, String fileName, Path workDir, Path npz, IngestLimits limits)
            throws IOException {
        var budget = new InflatedBudget(limits.arrays().maxInflatedBytes(), fileName);
        Map<Role, Npy> npys = new EnumMap<>(Role.class);
        List<String> names = new ArrayList<>();
        if (isZip(archive)) {
            try (ZipFile zip = Archives.openZip(archive, fileName, limits.arrays().maxZipEntries(),
                    "qforge.uploads.max-zip-entries")) {
                for (ZipArchiveEntry e : Archives.sortedFiles(zip)) {
                    Role role = role(e.getName(), fileName, npys);
                    if (role != null) {
                        String what = fileName + ": '" + Archives.display(e) + "'";
                        try (InputStream in = zip.getInputStream(e)) {
                            npys.put(role, toNpy(budget.wrap(in, e.getName()), role, "file", what, workDir, budget, limits));
                        }
                        names.add(e.getName());
                    }
                }
            }
        } else {
            readTar(archive, fileName, workDir, limits, budget, npys, names);
        }
        for (Role role : Role.values()) {
            if (!npys.containsKey(role)) {
                throw new SourceException("file", fileName + " has no " + role.part.replace('_', ' ') + " file; an IDX "
                        + "archive holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                        + "t10k-labels-idx1-ubyte (each optionally .gz)");
            }
        }
        return finish(npys, npz, limits, names, true);
    }

    private static void readTar(Path archive, String fileName, Path workDir, IngestLimits limits, InflatedBudget budget,
            Map<Role, Npy> npys, List<String> names) throws IOException {
        try (InputStream raw = Files.newInputStream(archive);
             InputStream plain = GzipSniff.maybeInflate(raw);
             var tar = new TarArchiveInputStream(budget.wrap(plain, "(tar)"))) {
            Set<String> seen = new HashSet<>();
            int entries = 0;
            for (TarArchiveEntry e; (e = nextTar(tar, fileName)) != null; ) {
                if (++entries > limits.arrays().maxZipEntries()) {
                    throw new SourceException("file", fileName + " holds more than " + limits.arrays().maxZipEntries()
                            + " entries (qforge.uploads.max-zip-entries)");
                }
                Archives.checkTarEntry(e, fileName, seen);
                if (e.isDirectory()) {
                    continue;
                }
                Role role = role(e.getName(), fileName, npys);
                if (role != null) {
                    String what = fileName + ": '" + Archives.display(e) + "'";
                    npys.put(role, toNpy(new NoClose(tar), role, "file", what, workDir, budget, limits));
                    names.add(e.getName());
                }
            }
            if (entries == 0) {
                throw new SourceException("file", fileName + " is neither a zip nor a tar archive with entries");
            }
        }
    }

    private static TarArchiveEntry nextTar(TarArchiveInputStream tar, String fileName) {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw new SourceException("file", fileName + " is not a valid tar archive: " + e.getMessage(), e);
        }
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        }
    }

    /** The role of an archive entry by its base name, or null for other files. */
    private static Role role(String entryName, String fileName, Map<Role, Npy> found) {
        String base = entryName.substring(Math.max(entryName.lastIndexOf('/'), entryName.lastIndexOf('\\')) + 1);
        Matcher m = STANDARD_NAME.matcher(base);
        if (!m.matches()) {
            return null;
        }
        boolean train = m.group(1).equalsIgnoreCase("train");
        boolean images = m.group(2).toLowerCase(Locale.ROOT).equals("images");
        Role role = train ? (images ? Role.TRAIN_IMAGES : Role.TRAIN_LABELS) : (images ? Role.TEST_IMAGES : Role.TEST_LABELS);
        if (found.containsKey(role)) {
            throw new SourceException("file", fileName + " holds two " + role.part.replace('_', ' ') + " files ("
                    + found.get(role).source() + " and '" + Archives.shorten(entryName) + "')");
        }
        return role;
    }

    /** Streams one IDX file (plain or gzipped) into a .npy in {@code dir}; {@code raw} is not closed. */
    private static Npy toNpy(InputStream raw, Role role, String field, String what, Path dir, InflatedBudget budget,
            IngestLimits limits) throws IOException {
        var buffered = new BufferedInputStream(new NoClose(raw), 1 << 16);
        InputStream content;
        try {
            content = GzipSniff.isGzip(buffered) ? budget.wrap(GzipSniff.maybeInflate(buffered), what) : buffered;
        } catch (ZipException e) {
            throw new SourceException(field, what + " starts like gzip but is not valid gzip: " + e.getMessage(), e);
        }
        var in = new DataInputStream(content);
        try {
            int magic = header(in, field, what, "magic number");
            int expected = role.images() ? IMAGES_MAGIC : LABELS_MAGIC;
            if (magic != expected) {
                throw new SourceException(field, String.format("%s has magic number 0x%08x; an IDX %s file starts with 0x%08x",
                        what, magic, role.images() ? "images" : "labels", expected));
            }
            long n = dimension(in, field, what, role.images() ? "image count" : "label count");
            long rows = role.images() ? dimension(in, field, what, "row count") : 1;
            long cols = role.images() ? dimension(in, field, what, "column count") : 1;
            long bytes = n * rows * cols; // each < 2^31, so at most 2^93: checked below without overflow
            if (n > 0 && rows > 0 && cols > 0 && (Long.MAX_VALUE / n / rows < cols)) {
                throw new SourceException(field, what + " declares " + n + " images of " + rows + "x" + cols
                        + ", more elements than 64 bits can count");
            }
            if (n == 0 || rows == 0 || cols == 0) {
                throw new SourceException(field, what + " declares " + (role.images() ? n + " images of " + rows + "x"
                        + cols : n + " labels") + "; it needs at least one sample and no dimension of size 0");
            }
            try {
                limits.arrays().checkArray(what, bytes, bytes);
            } catch (io.qforge.engine.data.DatasetException e) {
                throw new SourceException(field, e.getMessage(), e);
            }
            Path npy = Files.createTempFile(dir, role.array + "-", ".npy");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(npy), 1 << 16)) {
                out.write(role.images() ? NpyHeaders.of("|u1", n, 1, rows, cols) : NpyHeaders.of("|u1", n));
                byte[] chunk = new byte[1 << 16];
                long done = 0;
                while (done < bytes) {
                    int got = in.read(chunk, 0, (int) Math.min(chunk.length, bytes - done));
                    if (got < 0) {
                        throw new SourceException(field, what + " is truncated: its header declares "
                                + (role.images() ? n + " images of " + rows + "x" + cols : n + " labels") + " ("
                                + bytes + " bytes) but only " + done + " bytes follow");
                    }
                    out.write(chunk, 0, got);
                    done += got;
                }
            }
            if (in.read() != -1) {
                throw new SourceException(field, what + " has bytes after the " + n + (role.images() ? " images" : " labels")
                        + " its header declares");
            }
            return new Npy(npy, n, rows, cols, what);
        } catch (InflatedBytesExceeded e) {
            throw new SourceException(field, e.getMessage() + " (qforge.uploads.max-inflated-bytes)", e);
        } catch (EOFException e) {
            throw new SourceException(field, what + " is truncated: its gzip stream ends early", e);
        } catch (ZipException e) {
            throw new SourceException(field, what + " is not valid gzip: " + e.getMessage(), e);
        }
    }

    private static int header(DataInputStream in, String field, String what, String part) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new SourceException(field, what + " is truncated: it ends before its " + part, e);
        }
    }

    private static long dimension(DataInputStream in, String field, String what, String part) throws IOException {
        int d = header(in, field, what, part);
        if (d < 0) {
            throw new SourceException(field, what + " has a negative " + part + " " + d);
        }
        return d;
    }

    private static Converted finish(Map<Role, Npy> npys, Path npz, IngestLimits limits, List<String> entries,
            boolean archive)
            throws IOException {
        sameCount(npys.get(Role.TRAIN_IMAGES), npys.get(Role.TRAIN_LABELS), archive ? "file" : Role.TRAIN_LABELS.part);
        sameCount(npys.get(Role.TEST_IMAGES), npys.get(Role.TEST_LABELS), archive ? "file" : Role.TEST_LABELS.part);
        Npy train = npys.get(Role.TRAIN_IMAGES);
        Npy test = npys.get(Role.TEST_IMAGES);
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new SourceException(archive ? "file" : Role.TEST_IMAGES.part, test.source() + " holds " + test.rows() + "x" + test.cols()
                    + " images but " + train.source() + " holds " + train.rows() + "x" + train.cols() + " images");
        }
        try (var w = new NpzWriter(npz, limits.maxOutputBytes())) {
            for (Role role : Role.values()) {
                w.begin(role.array);
                Files.copy(npys.get(role).file(), w.out());
                w.end();
            }
        }
        for (Npy n : npys.values()) {
            Files.deleteIfExists(n.file());
        }
        Map<String, Object> conversion = new java.util.LinkedHashMap<>();
        conversion.put("channels", 1);
        conversion.put("height", train.rows());
        conversion.put("width", train.cols());
        conversion.put("scaling", "unit");
        if (!entries.isEmpty()) {
            conversion.put("entries", entries);
        }
        return new Converted("idx", null, conversion, train.count(), test.count());
    }

    private static void sameCount(Npy images, Npy labels, String field) {
        if (images.count() != labels.count()) {
            throw new SourceException(field, labels.source() + " holds " + labels.count() + " labels but "
                    + images.source() + " holds " + images.count() + " images");
        }
    }

    /** Keeps a stream the caller owns (a tar, a zip entry) open when a reader closes its wrapper. */
    private static final class NoClose extends java.io.FilterInputStream {
        NoClose(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
