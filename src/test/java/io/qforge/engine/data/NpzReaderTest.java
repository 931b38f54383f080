package io.qforge.engine.data;

import static io.qforge.engine.data.NpyBytes.bytes;
import static io.qforge.engine.data.NpyBytes.doubles;
import static io.qforge.engine.data.NpyBytes.floats;
import static io.qforge.engine.data.NpyBytes.longs;
import static io.qforge.engine.data.NpyBytes.npy;
import static io.qforge.engine.data.NpyBytes.npz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class NpzReaderTest {

    @TempDir
    Path dir;

    /** x: 4 uint8 samples of 1x2x2 (values 0, 17, 34, ...), y: int64 0..2; test: 2 samples. */
    private static Map<String, byte[]> uint8Arrays() {
        int[] train = new int[16];
        for (int i = 0; i < train.length; i++) {
            train[i] = i * 17;
        }
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", npy("|u1", new long[] {4, 1, 2, 2}, bytes(train)));
        m.put("y_train", npy("<i8", new long[] {4}, longs(0, 1, 2, 1)));
        m.put("x_test", npy("|u1", new long[] {2, 1, 2, 2}, bytes(255, 0, 51, 102, 1, 2, 3, 4)));
        m.put("y_test", npy("<i8", new long[] {2}, longs(2, 0)));
        return m;
    }

    private Path file(Map<String, byte[]> arrays, boolean deflate) {
        return NpyBytes.write(dir.resolve("ds.npz"), npz(arrays, deflate));
    }

    @Test
    void roundTripsUint8InputsDividedBy255() {
        for (boolean deflate : new boolean[] {false, true}) {
            Dataset ds = NpzReader.read(file(uint8Arrays(), deflate));
            assertThat(ds.xTrain().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(ds.xTrain().shape()).containsExactly(4, 1, 2, 2);
            float[] x = ds.xTrain().reshape(16).toFloatVector();
            for (int i = 0; i < 16; i++) {
                assertThat(x[i]).isCloseTo(i * 17 / 255f, within(1e-7f));
            }
            assertThat(ds.xTest().reshape(8).toFloatVector()[0]).isEqualTo(1f);
            assertThat(ds.yTrain()).containsExactly(0, 1, 2, 1);
            assertThat(ds.yTest()).containsExactly(2, 0);
            assertThat(ds.sampleShape()).containsExactly(1, 2, 2);
            assertThat(ds.numClasses()).isEqualTo(3);
            assertThat(ds.trainSize()).isEqualTo(4);
            assertThat(ds.testSize()).isEqualTo(2);
        }
    }

    @Test
    void roundTripsFloat32And64InputsUnchanged() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", npy("<f4", new long[] {3, 2}, floats(-1.5f, 2f, 3.25f, 1e6f, 0f, -7f)));
        m.put("y_train", npy("<i4", new long[] {3, 1}, NpyBytes.ints(1, 0, 1)));
        m.put("x_test", npy("<f8", new long[] {1, 2}, doubles(0.5, -0.25)));
        m.put("y_test", npy("|u1", new long[] {1}, bytes(1)));
        Dataset ds = NpzReader.read(file(m, true));
        assertThat(ds.xTrain().reshape(6).toFloatVector()).containsExactly(-1.5f, 2f, 3.25f, 1e6f, 0f, -7f);
        assertThat(ds.xTest().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(ds.xTest().reshape(2).toFloatVector()).containsExactly(0.5f, -0.25f);
        assertThat(ds.yTrain()).containsExactly(1, 0, 1);
        assertThat(ds.yTest()).containsExactly(1);
    }

    @Test
    void readsFortranOrderedUint8InputsInCOrder() {
        Map<String, byte[]> m = uint8Arrays();
        // np.asfortranarray(np.array([[0, 51, 102], [153, 204, 255]], np.uint8)) stores 0 153 51 204 102 255
        m.put("x_train", NpyBytes.npy(1, "|u1", true, new long[] {2, 3}, bytes(0, 153, 51, 204, 102, 255)));
        m.put("y_train", npy("<i8", new long[] {2}, longs(0, 1)));
        m.put("x_test", npy("|u1", new long[] {1, 3}, bytes(1, 2, 3)));
        m.put("y_test", npy("<i8", new long[] {1}, longs(1)));
        Dataset ds = NpzReader.read(file(m, true));
        assertThat(ds.xTrain().reshape(6).toFloatVector()).containsExactly(0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f);
    }

    @Test
    void readsFromAStreamLikeFromAFile() {
        for (boolean deflate : new boolean[] {false, true}) {
            byte[] zip = npz(uint8Arrays(), deflate);
            Dataset fromStream = NpzReader.read(new ByteArrayInputStream(zip), DatasetLimits.DEFAULT);
            Dataset fromFile = NpzReader.read(NpyBytes.write(dir.resolve("s.npz"), zip));
            assertThat(fromStream.xTrain()).isEqualTo(fromFile.xTrain());
            assertThat(fromStream.xTest()).isEqualTo(fromFile.xTest());
            assertThat(fromStream.yTrain()).containsExactly(fromFile.yTrain());
            assertThat(fromStream.yTest()).containsExactly(fromFile.yTest());
        }
    }

    @Test
    void namesEveryMissingArray() {
        Map<String, byte[]> m = uint8Arrays();
        m.remove("x_test");
        m.remove("y_test");
        String expected = "the .npz has no array x_test, y_test (it has x_train, y_train); "
                + "required are x_train, y_train, x_test, y_test";
        assertThatThrownBy(() -> NpzReader.read(file(m, false))).isInstanceOf(DatasetException.class)
                .hasMessage(expected);
        assertThatThrownBy(() -> NpzReader.read(new ByteArrayInputStream(npz(m, true)), DatasetLimits.DEFAULT))
                .hasMessage(expected);
    }

    @Test
    void ignoresExtraArraysEvenUnsupportedOnes() {
        Map<String, byte[]> m = uint8Arrays();
        m.put("class_names", npy("<U3", new long[] {2}, new byte[24]));
        m.put("pickled", npy("|O", new long[] {1}, new byte[8]));
        Dataset ds = NpzReader.read(file(m, false));
        assertThat(ds.yTrain()).containsExactly(0, 1, 2, 1);
        assertThat(NpzReader.read(new ByteArrayInputStream(npz(m, true)), DatasetLimits.DEFAULT).yTest())
                .containsExactly(2, 0);
        assertThat(NpzReader.describe(file(m, false))).containsOnlyKeys(NpzReader.REQUIRED.toArray(new String[0]));
    }

    @Test
    void refusesObjectDtype() {
        Map<String, byte[]> m = uint8Arrays();
        m.put("x_train", npy("|O", new long[] {4}, new byte[32]));
        assertThatThrownBy(() -> NpzReader.read(file(m, false)))
                .hasMessage("x_train has object dtype '|O': pickled arrays are refused");
        assertThatThrownBy(() -> NpzReader.describe(file(m, false)))
                .hasMessage("x_train has object dtype '|O': pickled arrays are refused");
    }

    @Test
    void refusesFloatLabelsAndIntegerInputs() {
        Map<String, byte[]> m = uint8Arrays();
        m.put("y_test", npy("<f4", new long[] {2}, floats(2, 0)));
        assertThatThrownBy(() -> NpzReader.read(file(m, false))).hasMessage(
                "y_test has dtype float32; labels must be integer class indices (int8..int64 or uint8..uint64)");
        Map<String, byte[]> n = uint8Arrays();
        n.put("x_train", npy("<i4", new long[] {4, 1}, NpyBytes.ints(1, 2, 3, 4)));
        assertThatThrownBy(() -> NpzReader.read(file(n, false))).hasMessage("x_train has dtype int32; inputs must be "
                + "float16, float32, float64 or uint8 (uint8 is scaled to [0, 1] by dividing by 255)");
    }

    @Test
    void refusesOneHotLabels() {
        Map<String, byte[]> m = uint8Arrays();
        m.put("y_train", npy("<i8", new long[] {4, 3}, longs(new long[12])));
        assertThatThrownBy(() -> NpzReader.read(file(m, false))).hasMessage(
                "y_train has shape (4, 3); labels must have shape (N,) or (N, 1) (class indices, not one-hot)");
    }

    @Test
    void refusesLabelsOutsideTheIntRange() {
        Map<String, byte[]> m = uint8Arrays();
        m.put("y_train", npy("<i8", new long[] {4}, longs(0, 1, 1L << 33, 1)));
        assertThatThrownBy(() -> NpzReader.read(file(m, false)))
                .hasMessage("y_train[2] = 8589934592 does not fit in a 32-bit class index");
    }

    @Test
    void reportsATruncatedArrayInsideTheArchive() {
        Map<String, byte[]> m = uint8Arrays();
        byte[] full = m.get("x_test");
        m.put("x_test", Arrays.copyOf(full, full.length - 3));
        for (boolean deflate : new boolean[] {false, true}) {
            assertThatThrownBy(() -> NpzReader.read(file(m, deflate))).isInstanceOf(DatasetException.class)
                    .hasMessage("x_test is truncated: its header declares uint8 (2, 1, 2, 2) = 8 bytes of data "
                            + "but only 5 bytes follow");
        }
    }

    @Test
    void refusesArchivesAboveTheLimits() {
        Path f = file(uint8Arrays(), false);
        assertThatThrownBy(() -> NpzReader.read(f, new DatasetLimits(15, 1 << 20))).isInstanceOf(DatasetException.class)
                .hasMessage("x_train has 16 elements, more than the limit of 15 elements per array");
        // data bytes: x_train 16 + y_train 32 + x_test 8 + y_test 16 = 72
        assertThatThrownBy(() -> NpzReader.read(f, new DatasetLimits(100, 71)))
                .hasMessage("reading y_test brings the dataset to 72 bytes of data, more than the limit of 71 bytes");
        assertThatThrownBy(() -> NpzReader.read(new ByteArrayInputStream(npz(uint8Arrays(), true)),
                new DatasetLimits(100, 71))).hasMessageContaining("brings the dataset to 72 bytes");
        assertThat(NpzReader.read(f, new DatasetLimits(16, 72)).trainSize()).isEqualTo(4);
    }

    @Test
    void describeReadsHeadersOnly() {
        // Headers announce 100M-element arrays but no data follows: describe must not read data.
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", npy("|u1", new long[] {100_000, 1000}, new byte[0]));
        m.put("y_train", npy("<i8", new long[] {100_000}, new byte[0]));
        m.put("x_test", npy("<f4", new long[] {10, 1000}, new byte[0]));
        m.put("y_test", npy(">i4", new long[] {10}, new byte[0]));
        Path f = file(m, true);
        Map<String, NpyHeader> headers = NpzReader.describe(f);
        assertThat(headers.keySet()).containsExactly("x_train", "y_train", "x_test", "y_test");
        NpyHeader x = headers.get("x_train");
        assertThat(x.dtype()).isEqualTo(NpyDtype.UINT8);
        assertThat(x.shape()).containsExactly(100_000, 1000);
        assertThat(x.dataBytes()).isEqualTo(100_000_000L);
        assertThat(headers.get("y_test").descr()).isEqualTo(">i4");
        NpzReader.checkHeaders(headers, DatasetLimits.DEFAULT);
        assertThatThrownBy(() -> NpzReader.checkHeaders(headers, new DatasetLimits(1_000_000, 1L << 30)))
                .hasMessage("x_train has 100000000 elements, more than the limit of 1000000 elements per array");
        assertThatThrownBy(() -> NpzReader.read(f)).hasMessageStartingWith("x_train is truncated");
    }

    @Test
    void refusesFilesThatAreNotZipArchives() {
        Path f = NpyBytes.write(dir.resolve("bad.npz"), "not a zip at all".getBytes());
        assertThatThrownBy(() -> NpzReader.read(f)).isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("bad.npz is not a valid .npz (zip) archive");
        assertThatThrownBy(() -> NpzReader.read(new ByteArrayInputStream("nope".getBytes()), DatasetLimits.DEFAULT))
                .hasMessage("the upload is not a .npz archive: it holds no zip entries");
    }
}
