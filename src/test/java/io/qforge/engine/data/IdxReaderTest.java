package io.qforge.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class IdxReaderTest {

    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    /** An IDX images file: n images of rows x cols, pixel (i, r, c) = (i * 31 + r * 7 + c) mod 256. */
    static byte[] images(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols); // big-endian, as IDX
        b.putInt(0x00000803).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    b.put((byte) pixel(i, r, c));
                }
            }
        }
        return b.array();
    }

    static int pixel(int i, int r, int c) {
        return (i * 31 + r * 7 + c) & 0xFF;
    }

    /** An IDX labels file whose label i is i mod 10. */
    static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x00000801).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) {
        return NpyBytes.write(dir.resolve(name), content);
    }

    @Test
    void readsPlainAndGzippedFilesIntoNchwFloats() {
        for (boolean gz : new boolean[] {false, true}) {
            Path trainImages = write("a", gz ? gzip(images(5, 3, 4)) : images(5, 3, 4));
            Path trainLabels = write("b", gz ? gzip(labels(5)) : labels(5));
            Path testImages = write("c", gz ? gzip(images(2, 3, 4)) : images(2, 3, 4));
            Path testLabels = write("d", labels(2));
            Dataset ds = IdxReader.read(trainImages, trainLabels, testImages, testLabels);
            assertThat(ds.xTrain().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(ds.xTrain().shape()).containsExactly(5, 1, 3, 4);
            assertThat(ds.xTest().shape()).containsExactly(2, 1, 3, 4);
            for (int i = 0; i < 5; i++) {
                for (int r = 0; r < 3; r++) {
                    for (int c = 0; c < 4; c++) {
                        assertThat(ds.xTrain().getFloat(i, 0, r, c)).isEqualTo(pixel(i, r, c) / 255f);
                    }
                }
            }
            assertThat(ds.yTrain()).containsExactly(0, 1, 2, 3, 4);
            assertThat(ds.yTest()).containsExactly(0, 1);
        }
    }

    @Test
    void findsTheStandardFileNamesInADirectory() {
        write("train-images-idx3-ubyte.gz", gzip(images(4, 2, 2)));
        write("train-labels-idx1-ubyte", labels(4));
        write("t10k-images-idx3-ubyte", images(3, 2, 2));
        write("t10k-labels-idx1-ubyte.gz", gzip(labels(3)));
        Dataset ds = IdxReader.fromDirectory(dir);
        assertThat(ds.trainSize()).isEqualTo(4);
        assertThat(ds.testSize()).isEqualTo(3);
        assertThat(ds.yTest()).containsExactly(0, 1, 2);
    }

    @Test
    void namesAMissingStandardFile() {
        write("train-images-idx3-ubyte", images(1, 2, 2));
        assertThatThrownBy(() -> IdxReader.fromDirectory(dir)).isInstanceOf(DatasetException.class)
                .hasMessage(dir + " has neither train-labels-idx1-ubyte nor train-labels-idx1-ubyte.gz");
    }

    @Test
    void refusesABadMagicNamingTheFile() {
        Path swapped = write("train-labels-idx1-ubyte", images(2, 2, 2)); // an images file where labels belong
        assertThatThrownBy(() -> IdxReader.readLabels(swapped, DatasetLimits.DEFAULT))
                .isInstanceOf(DatasetException.class)
                .hasMessage("train-labels-idx1-ubyte has magic number 0x00000803; an IDX labels file starts with 0x00000801");
        Path png = write("img.gz", gzip(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}));
        assertThatThrownBy(() -> IdxReader.readImages(png, DatasetLimits.DEFAULT))
                .hasMessage("img.gz has magic number 0x89504e47; an IDX images file starts with 0x00000803");
    }

    @Test
    void reportsTruncatedFilesPlainAndGzipped() {
        byte[] full = images(3, 4, 4);
        Path plain = write("t.idx", Arrays.copyOf(full, full.length - 10));
        assertThatThrownBy(() -> IdxReader.readImages(plain, DatasetLimits.DEFAULT))
                .hasMessage("t.idx is truncated: its header declares 3 images of 4x4 (48 bytes) but only 38 bytes follow");
        byte[] gz = gzip(full);
        Path cutGz = write("t.idx.gz", Arrays.copyOf(gz, gz.length - 12));
        assertThatThrownBy(() -> IdxReader.readImages(cutGz, DatasetLimits.DEFAULT))
                .isInstanceOf(DatasetException.class).hasMessageStartingWith("t.idx.gz is truncated");
        Path header = write("h.idx", Arrays.copyOf(full, 10));
        assertThatThrownBy(() -> IdxReader.readImages(header, DatasetLimits.DEFAULT))
                .hasMessage("h.idx is truncated: it ends before its row count");
        byte[] lab = labels(5);
        Path cutLabels = write("l.idx", Arrays.copyOf(lab, lab.length - 1));
        assertThatThrownBy(() -> IdxReader.readLabels(cutLabels, DatasetLimits.DEFAULT))
                .hasMessage("l.idx is truncated: its header declares 5 labels (5 bytes) but only 4 bytes follow");
    }

    @Test
    void refusesTrailingBytes() {
        byte[] full = images(2, 2, 2);
        Path f = write("x.idx", Arrays.copyOf(full, full.length + 1));
        assertThatThrownBy(() -> IdxReader.readImages(f, DatasetLimits.DEFAULT))
                .hasMessage("x.idx has bytes after the 2 images its header declares");
    }

    @Test
    void refusesCountsThatDisagree() {
        Path trainImages = write("train-images-idx3-ubyte", images(5, 2, 2));
        Path trainLabels = write("train-labels-idx1-ubyte", labels(4));
        Path testImages = write("t10k-images-idx3-ubyte", images(2, 2, 2));
        Path testLabels = write("t10k-labels-idx1-ubyte", labels(2));
        assertThatThrownBy(() -> IdxReader.read(trainImages, trainLabels, testImages, testLabels))
                .hasMessage("train-labels-idx1-ubyte holds 4 labels but train-images-idx3-ubyte holds 5 images");
        Path otherSize = write("t10k-images-idx3-ubyte", images(2, 3, 2));
        Path trainLabels5 = write("train-labels-idx1-ubyte", labels(5));
        assertThatThrownBy(() -> IdxReader.read(trainImages, trainLabels5, otherSize, testLabels))
                .hasMessage("t10k-images-idx3-ubyte holds 3x2 images but train-images-idx3-ubyte holds 2x2 images");
    }

    @Test
    void refusesImagesAboveTheLimit() {
        // the header announces 60000 images of 1000x1000; no pixel data follows
        ByteBuffer header = ByteBuffer.allocate(16).putInt(0x00000803).putInt(60000).putInt(1000).putInt(1000);
        Path f = write("huge-idx3-ubyte", header.array());
        assertThatThrownBy(() -> IdxReader.readImages(f, DatasetLimits.DEFAULT))
                .hasMessage("huge-idx3-ubyte has 60000000000 elements, more than the limit of 200000000 elements per array");
    }

    @Test
    void readsTheRealFashionMnistFiles() {
        assumeTrue(Files.isRegularFile(FASHION_MNIST.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST (Debian dataset-fashion-mnist) is not installed");
        IdxReader.readLabels(FASHION_MNIST.resolve("t10k-labels-idx1-ubyte.gz"), DatasetLimits.DEFAULT); // warm-up
        long start = System.nanoTime();
        Dataset ds = IdxReader.fromDirectory(FASHION_MNIST);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("IdxReader: Fashion-MNIST (gzipped, 60000 + 10000 images) read in " + millis + " ms");
        assertThat(ds.xTrain().shape()).containsExactly(60000, 1, 28, 28);
        assertThat(ds.xTest().shape()).containsExactly(10000, 1, 28, 28);
        assertThat(ds.numClasses()).isEqualTo(10);
        int[] perClass = new int[10];
        for (int y : ds.yTrain()) {
            perClass[y]++;
        }
        assertThat(perClass).containsOnly(6000); // Fashion-MNIST is balanced: 6000 per class in train
        assertThat(ds.xTrain().minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(ds.xTrain().maxNumber().doubleValue()).isEqualTo(1.0);
        DatasetValidator.validate(ds, new long[] {-1, 1, 28, 28}, 10);
    }
}
