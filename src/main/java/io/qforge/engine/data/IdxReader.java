package io.qforge.engine.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, plain or gzipped (detected by the gzip magic
 * {@code 1f 8b}, whatever the file name).
 *
 * <pre>
 * images: int32 BE 0x00000803, int32 BE N, int32 BE rows, int32 BE cols, N*rows*cols uint8 (row-major)
 * labels: int32 BE 0x00000801, int32 BE N, N uint8
 * </pre>
 *
 * Images become FLOAT {@code [N, 1, rows, cols]} (NCHW, one channel) divided by 255, so pixels lie
 * in [0, 1]; labels become {@code int[]}. Every problem (bad magic, truncated file, trailing bytes,
 * counts that disagree) is a {@link DatasetException} naming the file.
 */
public final class IdxReader {

    /** Standard file names, without the optional {@code .gz}. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /**
     * Reads the four standard files from {@code dir}, each either plain or with {@code .gz}
     * (the plain one is preferred when both exist).
     */
    public static Dataset fromDirectory(Path dir) {
        return fromDirectory(dir, DatasetLimits.DEFAULT);
    }

    public static Dataset fromDirectory(Path dir, DatasetLimits limits) {
        return read(find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), find(dir, TEST_IMAGES), find(dir, TEST_LABELS),
                limits);
    }

    /** {@link #read(Path, Path, Path, Path, DatasetLimits)} with {@link DatasetLimits#DEFAULT}. */
    public static Dataset read(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
        return read(trainImages, trainLabels, testImages, testLabels, DatasetLimits.DEFAULT);
    }

    public static Dataset read(Path trainImages, Path trainLabels, Path testImages, Path testLabels,
            DatasetLimits limits) {
        long[] total = {0};
        INDArray xTrain = readImages(trainImages, limits, total);
        int[] yTrain = readLabels(trainLabels, limits, total);
        INDArray xTest = readImages(testImages, limits, total);
        int[] yTest = readLabels(testLabels, limits, total);
        requireSameCount(trainImages, xTrain.size(0), trainLabels, yTrain.length);
        requireSameCount(testImages, xTest.size(0), testLabels, yTest.length);
        if (xTrain.size(2) != xTest.size(2) || xTrain.size(3) != xTest.size(3)) {
            throw new DatasetException(name(testImages) + " holds " + xTest.size(2) + "x" + xTest.size(3)
                    + " images but "
                    + name(trainImages) + " holds " + xTrain.size(2) + "x" + xTrain.size(3) + " images");
        }
        return new Dataset(xTrain, yTrain, xTest, yTest);
    }

    /** Reads an images file into FLOAT [N, 1, rows, cols] / 255. */
    public static INDArray readImages(Path file, DatasetLimits limits) {
        return readImages(file, limits, new long[] {0});
    }

    /** Reads a labels file. */
    public static int[] readLabels(Path file, DatasetLimits limits) {
        return readLabels(file, limits, new long[] {0});
    }

    private static INDArray readImages(Path file, DatasetLimits limits, long[] total) {
        try (DataInputStream in = open(file)) {
            int magic = header(in, file, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw badMagic(file, magic, IMAGES_MAGIC, "images");
            }
            long n = dimension(in, file, "image count");
            long rows = dimension(in, file, "row count");
            long cols = dimension(in, file, "column count");
            long bytes;
            try {
                bytes = Math.multiplyExact(Math.multiplyExact(n, rows), cols);
            } catch (ArithmeticException e) {
                throw new DatasetException(name(file) + " declares " + n + " images of " + rows + "x" + cols
                        + ", more elements than 64 bits can count");
            }
            limits.checkArray(name(file), bytes, bytes);
            total[0] += bytes;
            limits.checkTotal(name(file), total[0]);
            INDArray pixels = Uint8Scaling.allocate(new long[] {n, 1, rows, cols}, 'c');
            long got = Uint8Scaling.fill(in, pixels);
            if (got < bytes) {
                throw truncated(file, n + " images of " + rows + "x" + cols, bytes, got);
            }
            requireEnd(in, file, n + " images");
            return pixels;
        } catch (EOFException e) {
            throw truncatedGzip(file, e);
        } catch (IOException e) {
            throw new DatasetException("could not read " + name(file) + ": " + e, e);
        }
    }

    private static int[] readLabels(Path file, DatasetLimits limits, long[] total) {
        try (DataInputStream in = open(file)) {
            int magic = header(in, file, "magic number");
            if (magic != LABELS_MAGIC) {
                throw badMagic(file, magic, LABELS_MAGIC, "labels");
            }
            int n = (int) dimension(in, file, "label count");
            limits.checkArray(name(file), n, n);
            total[0] += n;
            limits.checkTotal(name(file), total[0]);
            byte[] raw = in.readNBytes(n);
            if (raw.length < n) {
                throw truncated(file, n + " labels", n, raw.length);
            }
            requireEnd(in, file, n + " labels");
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (EOFException e) {
            throw truncatedGzip(file, e);
        } catch (IOException e) {
            throw new DatasetException("could not read " + name(file) + ": " + e, e);
        }
    }

    /** Opens a file, inflating it when it starts with the gzip magic 1f 8b. */
    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + " does not exist or is not a regular file");
        }
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                : raw;
        return new DataInputStream(in);
    }

    private static int header(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DatasetException(name(file) + " is truncated: it ends before its " + what, e);
        }
    }

    private static long dimension(DataInputStream in, Path file, String what) throws IOException {
        int d = header(in, file, what);
        if (d < 0) {
            throw new DatasetException(name(file) + " has a negative " + what + " " + d);
        }
        return d;
    }

    private static void requireEnd(InputStream in, Path file, String declared) throws IOException {
        if (in.read() != -1) {
            throw new DatasetException(name(file) + " has bytes after the " + declared + " its header declares");
        }
    }

    private static void requireSameCount(Path images, long imageCount, Path labels, int labelCount) {
        if (imageCount != labelCount) {
            throw new DatasetException(name(labels) + " holds " + labelCount + " labels but " + name(images) + " holds "
                    + imageCount + " images");
        }
    }

    private static DatasetException badMagic(Path file, int magic, int expected, String kind) {
        return new DatasetException(String.format("%s has magic number 0x%08x; an IDX %s file starts with 0x%08x",
                name(file), magic, kind, expected));
    }

    private static DatasetException truncated(Path file, String declared, long expected, long got) {
        return new DatasetException(name(file) + " is truncated: its header declares " + declared + " (" + expected
                + " bytes) but only " + got + " bytes follow");
    }

    private static DatasetException truncatedGzip(Path file, EOFException e) {
        return new DatasetException(
                name(file) + " is truncated: its gzip stream ends early (" + e.getMessage() + ")", e);
    }

    private static Path find(Path dir, String base) {
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DatasetException(dir + " has neither " + base + " nor " + base + ".gz");
    }

    private static String name(Path file) {
        return String.valueOf(file.getFileName());
    }
}
