package io.qforge.engine.data.ingest;

import io.qforge.engine.data.DatasetLimits;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Samples of one fixed size, appended as they are decoded to a raw file on disk (never held in
 * memory), with their label and split; {@link #writeNpz} then assigns the unsplit samples to
 * train or test with a seeded shuffle and writes the canonical archive in two sequential passes
 * over the raw file. Memory: one label (int) and one split flag (byte) per sample.
 */
final class SampleSpool implements AutoCloseable {
    enum Split { TRAIN, TEST, EITHER }

    /** What was written: sample counts per split. */
    record Written(int train, int test) {}

    private final Path raw;
    private final OutputStream out;
    private final String descr;
    private final long[] sampleShape;
    private final int sampleBytes;
    private final long sampleElements;
    private final int maxSamples;
    private final String tooMany;
    private int[] labels = new int[1024];
    private byte[] splits = new byte[1024];
    private int count;

    /**
     * @param descr {@code |u1} (uint8 pixels, read back divided by 255) or {@code <f4}
     * @param tooMany the message when more than {@code maxSamples} samples arrive
     */
    SampleSpool(Path dir, String descr, long[] sampleShape, int maxSamples, String tooMany) throws IOException {
        this.raw = Files.createTempFile(dir, "samples-", ".raw");
        this.out = new BufferedOutputStream(Files.newOutputStream(raw), 1 << 16);
        this.descr = descr;
        this.sampleShape = sampleShape.clone();
        long elements = 1;
        for (long d : sampleShape) {
            elements = Math.multiplyExact(elements, d);
        }
        this.sampleElements = elements;
        this.sampleBytes = Math.toIntExact(elements * (descr.equals("|u1") ? 1 : 4));
        this.maxSamples = maxSamples;
        this.tooMany = tooMany;
    }

    int sampleBytes() {
        return sampleBytes;
    }

    int count() {
        return count;
    }

    /** Appends one sample ({@link #sampleBytes()} bytes: uint8, or float32 little-endian). */
    void add(byte[] sample, int label, Split split) throws IOException {
        if (sample.length != sampleBytes) {
            throw new IllegalArgumentException("sample of " + sample.length + " bytes, expected " + sampleBytes);
        }
        if (count == maxSamples) {
            throw new SourceException("file", tooMany);
        }
        if (count == labels.length) {
            int grown = (int) Math.min((long) maxSamples, 2L * labels.length);
            labels = Arrays.copyOf(labels, grown);
            splits = Arrays.copyOf(splits, grown);
        }
        out.write(sample);
        labels[count] = label;
        splits[count] = (byte) split.ordinal();
        count++;
    }

    /**
     * Assigns every {@link Split#EITHER} sample: {@code round(n * testFraction)} of them (at least
     * one, and at least one left for training) go to test, chosen by a shuffle seeded with
     * {@code seed}; then writes {@code x_train, y_train, x_test, y_test} to {@code npz}.
     *
     * @param relabel maps each label as added to the stored class index (identity when null)
     */
    Written writeNpz(Path npz, double testFraction, long seed, int[] relabel, DatasetLimits arrays, long maxBytes)
            throws IOException {
        out.close();
        assign(testFraction, seed);
        int train = 0;
        for (int i = 0; i < count; i++) {
            if (splits[i] == Split.TRAIN.ordinal()) {
                train++;
            }
        }
        int test = count - train;
        if (train == 0 || test == 0) {
            throw new SourceException("file", "the dataset has " + train + " training and " + test
                    + " test samples; it needs at least one of each");
        }
        arrays.checkArray("x_train", Math.multiplyExact(train, sampleElements), (long) train * sampleBytes);
        arrays.checkArray("x_test", Math.multiplyExact(test, sampleElements), (long) test * sampleBytes);
        try (var w = new NpzWriter(npz, maxBytes)) {
            samples(w, "x_train", Split.TRAIN, train);
            labels(w, "y_train", Split.TRAIN, train, relabel);
            samples(w, "x_test", Split.TEST, test);
            labels(w, "y_test", Split.TEST, test, relabel);
        }
        return new Written(train, test);
    }

    private void assign(double testFraction, long seed) {
        int either = 0;
        for (int i = 0; i < count; i++) {
            if (splits[i] == Split.EITHER.ordinal()) {
                either++;
            }
        }
        if (either == 0) {
            return;
        }
        int[] idx = new int[either];
        for (int i = 0, j = 0; i < count; i++) {
            if (splits[i] == Split.EITHER.ordinal()) {
                idx[j++] = i;
            }
        }
        var random = new SplittableRandom(seed);
        for (int i = either - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int toTest = (int) Math.round(either * testFraction);
        toTest = Math.max(toTest, either >= 2 ? 1 : 0);
        toTest = Math.min(toTest, either - 1);
        for (int k = 0; k < either; k++) {
            splits[idx[k]] = (byte) (k < toTest ? Split.TEST : Split.TRAIN).ordinal();
        }
    }

    private void samples(NpzWriter w, String name, Split which, int n) throws IOException {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        w.begin(name);
        w.out().write(NpyHeaders.of(descr, shape));
        byte[] sample = new byte[sampleBytes];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(raw), 1 << 16)) {
            for (int i = 0; i < count; i++) {
                if (in.readNBytes(sample, 0, sampleBytes) != sampleBytes) {
                    throw new IOException("the sample spool ended early at sample " + i);
                }
                if (splits[i] == which.ordinal()) {
                    w.out().write(sample);
                }
            }
        }
        w.end();
    }

    private void labels(NpzWriter w, String name, Split which, int n, int[] relabel) throws IOException {
        w.begin(name);
        w.out().write(NpyHeaders.of("<i4", n));
        var data = new DataOutputStream(new BufferedOutputStream(new NonClosing(w.out()), 1 << 14));
        var le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            if (splits[i] == which.ordinal()) {
                le.clear();
                data.write(le.putInt(relabel == null ? labels[i] : relabel[labels[i]]).array());
            }
        }
        data.flush();
        w.end();
    }

    @Override
    public void close() throws IOException {
        out.close();
        Files.deleteIfExists(raw);
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
        }
    }
}
