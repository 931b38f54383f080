package io.qforge.engine.data.ingest;

import static io.qforge.support.DatasetFiles.gzip;
import static io.qforge.support.DatasetFiles.gzipBomb;
import static io.qforge.support.DatasetFiles.idxImages;
import static io.qforge.support.DatasetFiles.idxLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.DatasetLimits;
import io.qforge.engine.data.IdxReader;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.data.NpzScanner;
import io.qforge.support.DatasetFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX to the canonical .npz: the same arrays as {@link IdxReader}, from parts, zip and tar; every hostile file refused. */
class IdxConverterTest {
    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    private final Map<String, byte[]> standard = new LinkedHashMap<>();

    IdxConverterTest() {
        standard.put("train-images-idx3-ubyte", idxImages(5, 4, 3, 1));
        standard.put("train-labels-idx1-ubyte.gz", gzip(idxLabels(0, 1, 2, 1, 0)));
        standard.put("t10k-images-idx3-ubyte.gz", gzip(idxImages(3, 4, 3, 9)));
        standard.put("t10k-labels-idx1-ubyte", idxLabels(2, 2, 0));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Map<IdxConverter.Role, IdxConverter.Part> parts(Map<String, byte[]> files) throws IOException {
        Map<IdxConverter.Role, IdxConverter.Part> parts = new EnumMap<>(IdxConverter.Role.class);
        var roles = IdxConverter.Role.values();
        int i = 0;
        for (var e : files.entrySet()) {
            parts.put(roles[i++], new IdxConverter.Part("'" + e.getKey() + "'", write(e.getKey(), e.getValue())));
        }
        return parts;
    }

    private Dataset expected() throws IOException {
        var p = parts(standard);
        return IdxReader.read(p.get(IdxConverter.Role.TRAIN_IMAGES).file(), p.get(IdxConverter.Role.TRAIN_LABELS).file(),
                p.get(IdxConverter.Role.TEST_IMAGES).file(), p.get(IdxConverter.Role.TEST_LABELS).file());
    }

    private static void assertSame(Dataset got, Dataset want) {
        assertThat(got.xTrain().shape()).containsExactly(5, 1, 4, 3);
        assertThat(got.xTrain()).isEqualTo(want.xTrain());
        assertThat(got.xTest()).isEqualTo(want.xTest());
        assertThat(got.yTrain()).containsExactly(want.yTrain());
        assertThat(got.yTest()).containsExactly(want.yTest());
    }

    @Test
    void fourPartsPlainOrGzippedGiveIdxReadersArrays() throws IOException {
        Path npz = dir.resolve("out.npz");
        var converted = IdxConverter.fromParts(parts(standard), dir, npz, IngestLimits.DEFAULT);
        assertThat(converted.trainSamples()).isEqualTo(5);
        assertThat(converted.testSamples()).isEqualTo(3);
        assertThat(converted.classNames()).isNull();
        assertThat(NpzScanner.scan(npz, "out.npz", DatasetLimits.DEFAULT).headers().get("x_train").dtype().numpyName())
                .isEqualTo("uint8");
        assertSame(NpzReader.read(npz), expected());
    }

    @Test
    void oneZipOrTarOrTarGzOfTheFourFilesInAFolder() throws IOException {
        Map<String, byte[]> inFolder = new LinkedHashMap<>();
        standard.forEach((k, v) -> inFolder.put("fashion/" + k, v));
        inFolder.put("fashion/README.txt", "not an IDX file".getBytes());
        byte[] tar = DatasetFiles.tar(inFolder);
        for (var archive : Map.of("a.zip", DatasetFiles.zip(inFolder), "a.tar", tar, "a.tar.gz", gzip(tar)).entrySet()) {
            Path npz = dir.resolve(archive.getKey() + ".npz");
            var converted = IdxConverter.fromArchive(write(archive.getKey(), archive.getValue()), "'" + archive.getKey() + "'",
                    dir, npz, IngestLimits.DEFAULT);
            assertThat(converted.conversion().get("entries")).as(archive.getKey()).asList().hasSize(4);
            assertSame(NpzReader.read(npz), expected());
        }
    }

    private SourceException refusedParts(Map<String, byte[]> files) {
        Map<String, byte[]> all = new LinkedHashMap<>(standard);
        all.putAll(files);
        return (SourceException) org.assertj.core.api.Assertions.catchThrowable(
                () -> IdxConverter.fromParts(parts(all), dir, dir.resolve("x.npz"), IngestLimits.DEFAULT));
    }

    @Test
    void wrongFilesAreRefusedNamingThePartAndTheProblem() {
        var labels = refusedParts(Map.of("train-labels-idx1-ubyte.gz", idxLabels(0, 1, 2, 1)));
        assertThat(labels.field()).isEqualTo("train_labels");
        assertThat(labels).hasMessage("'train-labels-idx1-ubyte.gz' (train_labels) holds 4 labels but"
                + " 'train-images-idx3-ubyte' (train_images) holds 5 images");

        var magic = refusedParts(Map.of("train-images-idx3-ubyte", idxLabels(1, 2, 3)));
        assertThat(magic.field()).isEqualTo("train_images");
        assertThat(magic).hasMessageContaining("has magic number 0x00000801; an IDX images file starts with 0x00000803");

        byte[] whole = idxImages(5, 4, 3, 1);
        var truncated = refusedParts(Map.of("train-images-idx3-ubyte", java.util.Arrays.copyOf(whole, whole.length - 7)));
        assertThat(truncated).hasMessageContaining("is truncated: its header declares 5 images of 4x3 (60 bytes) but only 53");

        var trailing = refusedParts(Map.of("t10k-labels-idx1-ubyte", concat(idxLabels(2, 2, 0), new byte[] {9})));
        assertThat(trailing.field()).isEqualTo("test_labels");
        assertThat(trailing).hasMessageContaining("has bytes after the 3 labels its header declares");

        var huge = refusedParts(Map.of("t10k-images-idx3-ubyte.gz", gzip(java.nio.ByteBuffer.allocate(16).putInt(0x803)
                .putInt(Integer.MAX_VALUE).putInt(28).putInt(28).array())));
        assertThat(huge.field()).isEqualTo("test_images");
        assertThat(huge).hasMessageContaining("more than the limit of 200000000 elements per array");

        var sizes = refusedParts(Map.of("t10k-images-idx3-ubyte.gz", gzip(idxImages(3, 3, 4, 9))));
        assertThat(sizes).hasMessageContaining("holds 3x4 images but 'train-images-idx3-ubyte' (train_images) holds 4x3");
    }

    @Test
    void aGzipBombStopsOneByteAfterWhatItsHeaderDeclares() throws IOException {
        // a 100 MB stream of zeros behind a header that declares 5 images of 4x3: about 100 KB gzipped
        byte[] bomb = gzipBomb(java.util.Arrays.copyOf(idxImages(5, 4, 3, 1), 16), 100L << 20);
        assertThat(bomb.length).isLessThan(200_000);
        var e = refusedParts(Map.of("train-images-idx3-ubyte", bomb));
        assertThat(e.field()).isEqualTo("train_images");
        assertThat(e).hasMessageContaining("has bytes after the 5 images its header declares");

        // and one that declares its size truthfully is bounded by the inflated-bytes budget
        var small = new IngestLimits(new DatasetLimits(200_000_000L, 2L << 30, 1 << 20), 1L << 30, 10, 100, 100, 10, 10,
                10, 10);
        byte[] honest = gzipBomb(java.nio.ByteBuffer.allocate(16).putInt(0x803).putInt(3000).putInt(28).putInt(28).array(),
                3000L * 28 * 28);
        Map<String, byte[]> files = new LinkedHashMap<>(standard);
        files.put("train-images-idx3-ubyte", honest);
        assertThatThrownBy(() -> IdxConverter.fromParts(parts(files), dir, dir.resolve("y.npz"), small))
                .isInstanceOf(SourceException.class).hasMessageContaining("inflated more than 1048576 bytes")
                .hasMessageContaining("qforge.uploads.max-inflated-bytes");
    }

    @Test
    void hostileArchivesAreRefused() throws IOException {
        Map<String, byte[]> link = new LinkedHashMap<>(standard);
        link.put("t10k-labels-idx1-ubyte", null);
        assertThatThrownBy(() -> IdxConverter.fromArchive(write("l.tar", DatasetFiles.tar(link)), "'l.tar'", dir,
                dir.resolve("l.npz"), IngestLimits.DEFAULT)).isInstanceOf(SourceException.class)
                .hasMessage("'l.tar': the entry 't10k-labels-idx1-ubyte' is a symbolic link; only files and directories are accepted");

        Map<String, byte[]> dotdot = new LinkedHashMap<>(standard);
        dotdot.put("../../etc/t10k-labels-idx1-ubyte", idxLabels(1));
        for (var archive : Map.of("d.zip", DatasetFiles.zip(dotdot), "d.tar", DatasetFiles.tar(dotdot)).entrySet()) {
            assertThatThrownBy(() -> IdxConverter.fromArchive(write(archive.getKey(), archive.getValue()),
                    "'" + archive.getKey() + "'", dir, dir.resolve("d.npz"), IngestLimits.DEFAULT))
                    .as(archive.getKey()).hasMessageContaining("has a '..' path segment");
        }

        Map<String, byte[]> missing = new LinkedHashMap<>(standard);
        missing.remove("t10k-labels-idx1-ubyte");
        assertThatThrownBy(() -> IdxConverter.fromArchive(write("m.zip", DatasetFiles.zip(missing)), "'m.zip'", dir,
                dir.resolve("m.npz"), IngestLimits.DEFAULT)).hasMessageStartingWith("'m.zip' has no test labels file");

        Map<String, byte[]> twice = new LinkedHashMap<>(standard);
        twice.put("copy/train-images-idx3-ubyte.gz", gzip(idxImages(5, 4, 3, 1)));
        assertThatThrownBy(() -> IdxConverter.fromArchive(write("t.zip", DatasetFiles.zip(twice)), "'t.zip'", dir,
                dir.resolve("t.npz"), IngestLimits.DEFAULT)).hasMessageContaining("holds two train images files");

        assertThatThrownBy(() -> IdxConverter.fromArchive(write("g.tar", DatasetFiles.random(3000, 1)), "'g.tar'", dir,
                dir.resolve("g.npz"), IngestLimits.DEFAULT)).isInstanceOf(SourceException.class)
                .hasMessageStartingWith("'g.tar' is not a valid tar archive");
    }

    /** The real Fashion-MNIST files (Debian's dataset-fashion-mnist; .ci/run installs it when it can). */
    @Test
    void fashionMnistConvertsByteForByte() throws IOException {
        assumeTrue(Files.isDirectory(FASHION_MNIST), "dataset-fashion-mnist is not installed");
        Map<IdxConverter.Role, IdxConverter.Part> parts = new EnumMap<>(IdxConverter.Role.class);
        parts.put(IdxConverter.Role.TRAIN_IMAGES, part("train-images-idx3-ubyte.gz"));
        parts.put(IdxConverter.Role.TRAIN_LABELS, part("train-labels-idx1-ubyte.gz"));
        parts.put(IdxConverter.Role.TEST_IMAGES, part("t10k-images-idx3-ubyte.gz"));
        parts.put(IdxConverter.Role.TEST_LABELS, part("t10k-labels-idx1-ubyte.gz"));
        Path npz = dir.resolve("fashion.npz");
        var converted = IdxConverter.fromParts(parts, dir, npz, IngestLimits.DEFAULT);
        assertThat(converted.trainSamples()).isEqualTo(60_000);
        assertThat(converted.testSamples()).isEqualTo(10_000);
        var scan = NpzScanner.scan(npz, "fashion.npz", DatasetLimits.DEFAULT);
        assertThat(scan.headers().get("x_train").shape()).containsExactly(60_000, 1, 28, 28);
        assertThat(scan.labels().get("y_train").max()).isEqualTo(9);
        try (var zip = new ZipFile(npz.toFile())) {
            for (var e : Map.of("x_train.npy", "train-images-idx3-ubyte.gz", "y_train.npy", "train-labels-idx1-ubyte.gz",
                    "x_test.npy", "t10k-images-idx3-ubyte.gz", "y_test.npy", "t10k-labels-idx1-ubyte.gz").entrySet()) {
                try (InputStream stored = new BufferedInputStream(zip.getInputStream(zip.getEntry(e.getKey())));
                     InputStream idx = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(
                             FASHION_MNIST.resolve(e.getValue()))))) {
                    stored.skipNBytes(128); // .npy header (padded to 64-byte multiples; 128 for these shapes)
                    idx.skipNBytes(e.getKey().startsWith("x") ? 16 : 8);
                    assertThat(stored).as(e.getKey()).hasSameContentAs(idx);
                }
            }
        }
    }

    private static IdxConverter.Part part(String name) {
        return new IdxConverter.Part("'" + name + "'", FASHION_MNIST.resolve(name));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
