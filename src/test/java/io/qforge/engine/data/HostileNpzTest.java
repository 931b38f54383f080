package io.qforge.engine.data;

import static io.qforge.engine.data.NpyBytes.npy;
import static io.qforge.engine.data.NpyBytes.npz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile .npy/.npz input against the upload scan ({@link NpzScanner}) and the job-time reader. */
class HostileNpzTest {
    private static final DatasetLimits LIMITS = new DatasetLimits(200_000_000L, 2L << 30, 64L << 20);

    @TempDir
    Path dir;

    private static Map<String, byte[]> valid() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        a.put("x_train", npy("<f4", new long[] {4, 3}, NpyBytes.floats(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)));
        a.put("y_train", npy("<i8", new long[] {4}, NpyBytes.longs(0, 1, 2, 1)));
        a.put("x_test", npy("<f4", new long[] {2, 3}, NpyBytes.floats(0, 1, 2, 3, 4, 5)));
        a.put("y_test", npy("<i8", new long[] {2}, NpyBytes.longs(2, 0)));
        return a;
    }

    private Path file(Map<String, byte[]> arrays) {
        return NpyBytes.write(dir.resolve("upload.tmp"), npz(arrays, true));
    }

    @Test
    void aValidArchiveScansToItsHeadersAndLabelRanges() {
        var r = NpzScanner.scan(file(valid()), "'mine.npz'", LIMITS);
        assertThat(r.headers()).containsOnlyKeys("x_train", "y_train", "x_test", "y_test");
        assertThat(r.labels().get("y_train")).isEqualTo(new NpyValueScan.LabelRange(0, 2, 0));
        assertThat(r.labels().get("y_test")).isEqualTo(new NpyValueScan.LabelRange(0, 2, 1));
    }

    @Test
    void deeplyNestedHeaderBracketsAreRefusedWithoutRecursingIntoThem() {
        byte[] deep = NpyBytes.npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': "
                + "[".repeat(60_000) + "}", new byte[0]);
        assertThatThrownBy(() -> NpyReader.readHeader(new ByteArrayInputStream(deep), "x_train"))
                .isInstanceOf(DatasetException.class)
                .hasMessage("x_train has a malformed .npy header (brackets nested deeper than 16 levels)");
        byte[] ok = NpyBytes.npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (((2,),),), }",
                new byte[0]);
        assertThatThrownBy(() -> NpyReader.readHeader(new ByteArrayInputStream(ok), "x_train"))
                .as("shallow nesting still parses, then fails as a bad shape").hasMessageContaining("not a non-negative");
    }

    @Test
    void nonFiniteInputsAreFoundInEveryFloatDtype() {
        var a = valid();
        a.put("x_train", npy("<f2", new long[] {4, 3}, halfs(0, 0, 0, 0, 0, 0, 0, 0x7E00, 0, 0, 0, 0)));
        assertThatThrownBy(() -> NpzScanner.scan(file(a), "'f.npz'", LIMITS))
                .hasMessage("x_train contains NaN at flat index 7 (sample 2); inputs must be finite");
        a.put("x_train", npy(">f8", new long[] {4, 3}, doublesBigEndian(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1e300)));
        assertThatThrownBy(() -> NpzScanner.scan(file(a), "'f.npz'", LIMITS))
                .hasMessage("x_train contains 1.0E300 (beyond float32's range) at flat index 11 (sample 3); inputs"
                        + " must be finite");
        a.put("x_train", NpyBytes.npy(1, "<f4", true, new long[] {4, 3},
                NpyBytes.floats(0, 0, 0, 0, 0, Float.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0)));
        assertThatThrownBy(() -> NpzScanner.scan(file(a), "'f.npz'", LIMITS)).as("Fortran order: sample = index % N")
                .hasMessage("x_train contains -Inf at flat index 5 (sample 1); inputs must be finite");
    }

    @Test
    void theJobTimeReaderRefusesNaNInputsToo() {
        var a = valid();
        a.put("x_test", npy("<f4", new long[] {2, 3}, NpyBytes.floats(0, 1, 2, Float.NaN, 4, 5)));
        Path f = file(a);
        assertThatThrownBy(() -> NpzReader.read(f, LIMITS)).isInstanceOf(DatasetException.class)
                .hasMessage("x_test contains NaN at flat index 3 (sample 1)");
        a.put("x_test", npy("<f8", new long[] {2, 3}, NpyBytes.doubles(0, 1, 2, 3, 4e300, 5)));
        Path g = file(a);
        assertThatThrownBy(() -> NpzReader.read(g, LIMITS)).as("float64 too large for float32 becomes +Inf")
                .hasMessage("x_test contains +Inf at flat index 4 (sample 1)");
    }

    @Test
    void labelsMustFitAnInt32() {
        var a = valid();
        a.put("y_train", npy("<i8", new long[] {4}, NpyBytes.longs(0, 1, 2, -(1L << 31) - 1)));
        assertThatThrownBy(() -> NpzScanner.scan(file(a), "'l.npz'", LIMITS))
                .hasMessage("y_train[3] = -2147483649 does not fit a 32-bit class index (labels are 0..classes-1)");
        a.put("y_train", npy("<u4", new long[] {4}, NpyBytes.ints(0, 1, 2, -1)));
        assertThatThrownBy(() -> NpzScanner.scan(file(a), "'l.npz'", LIMITS))
                .hasMessage("y_train[3] = 4294967295 does not fit a 32-bit class index (labels are 0..classes-1)");
        a.put("y_train", npy("<u4", new long[] {4, 1}, NpyBytes.ints(0, 1, 2, Integer.MAX_VALUE)));
        assertThat(NpzScanner.scan(file(a), "'l.npz'", LIMITS).labels().get("y_train").max())
                .isEqualTo(Integer.MAX_VALUE);
    }

    /** The reported case: a small deflated .npz whose labels declare 200M int64 (1.6 GB) but hold 4. */
    @Test
    void aHeaderThatPromisesMoreThanTheFileHoldsIsTruncatedAndAllocatesNothingFromIt() {
        var a = valid();
        a.put("y_train", npy("<i8", new long[] {200_000_000}, NpyBytes.longs(0, 1, 2, 3)));
        Path f = file(a);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> NpzScanner.scan(f, "'t.npz'", LIMITS)).hasMessage("y_train is truncated: its header"
                + " (200000000,) int64 promises 1600000000 data bytes but only 32 follow");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("heap allocated by the scan").isLessThan(4L << 20);
    }

    @Test
    void inflationBeyondTheBudgetIsRefusedCountingActualBytes() {
        var a = valid();
        a.put("x_train", npy("<f4", new long[] {8192, 1024}, new byte[32 << 20])); // 32 MiB of zeros
        a.put("y_train", npy("<i8", new long[] {8192}, new byte[8192 * 8]));
        Path f = file(a);
        assertThat(f.toFile().length()).as("deflated size").isLessThan(200_000);
        assertThatThrownBy(() -> NpzScanner.scan(f, "'bomb.npz'", new DatasetLimits(200_000_000L, 2L << 30, 16L << 20)))
                .isInstanceOf(InflatedBytesExceeded.class)
                .hasMessage("checking 'bomb.npz' inflated more than 16777216 bytes (at entry x_train.npy); that is"
                        + " the most one upload may inflate");
        assertThat(NpzScanner.scan(f, "'bomb.npz'", LIMITS).headers()).as("within a 64 MiB budget").hasSize(4);
    }

    @Test
    void emptyArraysTrailingBytesAndPicklesAreRefused() {
        var a = valid();
        a.put("x_test", npy("<f4", new long[] {2, 0}, new byte[0]));
        assertThatThrownBy(() -> NpzScanner.scan(file(a), "'e.npz'", LIMITS)).hasMessage("x_test has shape (2, 0)"
                + " and holds no values; every array needs at least one sample and no dimension of size 0");
        var b = valid();
        byte[] y = npy("<i8", new long[] {2}, NpyBytes.longs(2, 0));
        b.put("y_test", java.util.Arrays.copyOf(y, y.length + 3));
        assertThatThrownBy(() -> NpzScanner.scan(file(b), "'e.npz'", LIMITS))
                .hasMessage("y_test holds more bytes than its header (2,) int64 declares (16 data bytes)");
        var c = valid();
        c.put("notes", npy("|O", new long[] {1}, "cos\nsystem\n(S'id'\ntR.".getBytes()));
        assertThatThrownBy(() -> NpzScanner.scan(file(c), "'e.npz'", LIMITS)).isInstanceOf(PickledArrayException.class)
                .hasMessage("notes has object dtype '|O': pickled arrays are refused");
        var d = valid();
        d.put("notes", NpyBytes.npyWithHeader(1, "{'descr': [('a', '<f4'), ('b', '|O')], 'fortran_order': False,"
                + " 'shape': (1,), }", new byte[8]));
        assertThatThrownBy(() -> NpzScanner.scan(file(d), "'e.npz'", LIMITS)).as("object field of a structured dtype")
                .isInstanceOf(PickledArrayException.class);
    }

    @Test
    void entriesAreCountedBeforeTheZipDirectoryIsLoaded() {
        var a = valid();
        for (int i = 0; i < 6; i++) {
            a.put("extra" + i, new byte[0]);
        }
        Path f = file(a);
        assertThat(NpzScanner.centralDirectorySignatures(f)).isEqualTo(10);
        assertThatThrownBy(() -> NpzScanner.scan(f, "'many.npz'", new DatasetLimits(1000, 1L << 30, 1L << 30, 9)))
                .hasMessage("'many.npz' holds 10 zip entries (central directory records); at most 9 are accepted");
        assertThat(NpzScanner.scan(f, "'many.npz'", new DatasetLimits(1000, 1L << 30, 1L << 30, 10)).headers())
                .hasSize(4);
    }

    @Test
    void zipErrorsNameTheUsersFileNotTheServersPath() {
        Path f = NpyBytes.write(dir.resolve("qforge-upload-123.npz"), "not a zip at all".getBytes());
        assertThatThrownBy(() -> NpzScanner.scan(f, "'mine.npz'", LIMITS))
                .hasMessageStartingWith("'mine.npz' is not a valid .npz (zip) archive: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("qforge-upload-").doesNotContain(dir.toString()));
    }

    private static byte[] halfs(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static byte[] doublesBigEndian(double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.BIG_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }
}
