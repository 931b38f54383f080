package io.qforge.engine.data;

import static io.qforge.engine.data.NpyBytes.bytes;
import static io.qforge.engine.data.NpyBytes.doubles;
import static io.qforge.engine.data.NpyBytes.floats;
import static io.qforge.engine.data.NpyBytes.ints;
import static io.qforge.engine.data.NpyBytes.longs;
import static io.qforge.engine.data.NpyBytes.npy;
import static io.qforge.engine.data.NpyBytes.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class NpyReaderTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    private static INDArray read(byte[] npy) {
        return NpyReader.read(new ByteArrayInputStream(npy), "x_train", DatasetLimits.DEFAULT);
    }

    @Test
    void readsFloat32InCOrder() {
        INDArray a = read(npy("<f4", new long[] {2, 3}, floats(1, 2, 3, 4, 5, 6.5f)));
        assertThat(a.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.getFloat(1, 2)).isEqualTo(6.5f);
        assertThat(a.getFloat(0, 1)).isEqualTo(2f);
    }

    @Test
    void readsEveryIntegerAndFloatDtypeExactly() {
        assertThat(read(npy("|u1", new long[] {3}, bytes(0, 200, 255))).toLongVector()).containsExactly(0, 200, 255);
        assertThat(read(npy("|i1", new long[] {3}, bytes(-128, 0, 127))).toLongVector()).containsExactly(-128, 0, 127);
        assertThat(read(npy("<i2", new long[] {2}, shorts(LE, -30000, 1234))).toLongVector())
                .containsExactly(-30000, 1234);
        assertThat(read(npy("<u2", new long[] {2}, shorts(LE, 65535, 7))).castTo(DataType.LONG).toLongVector())
                .containsExactly(65535, 7);
        assertThat(read(npy("<i4", new long[] {2}, ints(-5, 1 << 30))).toLongVector()).containsExactly(-5, 1 << 30);
        assertThat(read(npy("<i8", new long[] {2}, longs(-7L, 1L << 40))).toLongVector())
                .containsExactly(-7L, 1L << 40);
        assertThat(read(npy("<f8", new long[] {2}, doubles(0.1, -1e300))).toDoubleVector())
                .containsExactly(0.1, -1e300);
        assertThat(read(npy("<f2", new long[] {2}, shorts(LE, 0x3C00, 0xC000))).castTo(DataType.FLOAT).toFloatVector())
                .containsExactly(1f, -2f);
        INDArray bools = read(npy("|b1", new long[] {3}, bytes(1, 0, 1)));
        assertThat(bools.dataType()).isEqualTo(DataType.BOOL);
        assertThat(bools.castTo(DataType.INT).toIntVector()).containsExactly(1, 0, 1);
    }

    @Test
    void swapsBytesOfBigEndianArrays() {
        assertThat(read(npy(">f4", new long[] {3}, floats(BE, 1.5f, -2f, 1e-3f))).toFloatVector())
                .containsExactly(1.5f, -2f, 1e-3f);
        assertThat(read(npy(">i4", new long[] {2}, ints(BE, 123456789, -2))).toIntVector())
                .containsExactly(123456789, -2);
        assertThat(read(npy(">i2", new long[] {2}, shorts(BE, 513, -3))).toLongVector()).containsExactly(513, -3);
        assertThat(read(npy(">i8", new long[] {1}, longs(BE, 1L << 50))).toLongVector()).containsExactly(1L << 50);
    }

    @Test
    void readsFortranOrderIntoCOrder() {
        // numpy: a = np.arange(6).reshape(2, 3) stored column-major is 0 3 1 4 2 5
        INDArray a = read(npy(1, "<f4", true, new long[] {2, 3}, floats(0, 3, 1, 4, 2, 5)));
        assertThat(a.ordering()).isEqualTo('c');
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.reshape(6).toFloatVector()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void readsVersion2And3Headers() {
        for (int version : new int[] {2, 3}) {
            INDArray a = read(npy(version, "<i4", false, new long[] {2, 2}, ints(1, 2, 3, 4)));
            assertThat(a.getInt(1, 0)).as("version %d", version).isEqualTo(3);
        }
    }

    @Test
    void readsScalarAndEmptyArrays() {
        assertThat(read(npy("<f4", new long[0], floats(7f))).getFloat(0)).isEqualTo(7f);
        INDArray empty = read(npy("<f4", new long[] {0, 4}, new byte[0]));
        assertThat(empty.shape()).containsExactly(0, 4);
    }

    @Test
    void refusesObjectDtype() {
        assertThatThrownBy(() -> read(npy("|O", new long[] {2}, new byte[16])))
                .isInstanceOf(DatasetException.class)
                .hasMessage("x_train has object dtype '|O': pickled arrays are refused");
    }

    @Test
    void refusesStringStructuredAndComplexDtypes() {
        assertThatThrownBy(() -> read(npy("<U5", new long[] {1}, new byte[20])))
                .hasMessageStartingWith("x_train has dtype '<U5', which is not supported");
        assertThatThrownBy(() -> read(npy("<c8", new long[] {1}, new byte[8])))
                .hasMessageStartingWith("x_train has dtype '<c8', which is not supported");
        byte[] structured = NpyBytes.npyWithHeader(1,
                "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertThatThrownBy(() -> read(structured)).hasMessageStartingWith("x_train has a structured dtype");
    }

    @Test
    void reportsTruncatedData() {
        byte[] full = npy("<f4", new long[] {10, 10}, new byte[400]);
        byte[] cut = Arrays.copyOf(full, full.length - 100);
        assertThatThrownBy(() -> read(cut)).isInstanceOf(DatasetException.class).hasMessage(
                "x_train is truncated: its header declares float32 (10, 10) = 400 bytes of data but only 300 bytes follow");
    }

    @Test
    void reportsTruncatedHeaderAndBadMagic() {
        byte[] full = npy("<f4", new long[] {1}, floats(1));
        assertThatThrownBy(() -> read(Arrays.copyOf(full, 30)))
                .hasMessage("x_train is truncated: the file ends inside its .npy header");
        byte[] bad = full.clone();
        bad[1] = 'X';
        assertThatThrownBy(() -> read(bad)).hasMessageContaining("x_train is not a .npy array");
        byte[] v9 = full.clone();
        v9[6] = 9;
        assertThatThrownBy(() -> read(v9)).hasMessageContaining("x_train uses .npy format version 9.0");
    }

    @Test
    void reportsMalformedHeaders() {
        byte[] noShape = NpyBytes.npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[4]);
        assertThatThrownBy(() -> read(noShape)).hasMessageStartingWith(
                "x_train has a malformed .npy header (the key 'shape' is missing)");
        byte[] negative = NpyBytes.npyWithHeader(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
                new byte[4]);
        assertThatThrownBy(() -> read(negative)).hasMessageContaining("not a non-negative integer");
        byte[] overflow = NpyBytes.npyWithHeader(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new byte[4]);
        assertThatThrownBy(() -> read(overflow)).hasMessageContaining("overflows 64 bits");
    }

    @Test
    void refusesArraysAboveTheLimitBeforeReadingData() {
        // The header announces 10^9 elements and no data follows: the limit must trip first.
        byte[] huge = npy("|u1", new long[] {1000, 1000, 1000}, new byte[0]);
        assertThatThrownBy(() -> NpyReader.read(new ByteArrayInputStream(huge), "x_train", DatasetLimits.DEFAULT))
                .isInstanceOf(DatasetException.class)
                .hasMessage("x_train has 1000000000 elements, more than the limit of 200000000 elements per array");
        assertThatThrownBy(() -> NpyReader.read(new ByteArrayInputStream(npy("<f8", new long[] {100}, new byte[800])),
                "x_test", new DatasetLimits(1000, 799)))
                .hasMessage("reading x_test brings the dataset to 800 bytes of data, more than the limit of 799 bytes");
        // even with a generous element limit, one array must fit one Java buffer (as FLOAT for inputs)
        byte[] wide = npy("|u1", new long[] {600_000_000}, new byte[0]);
        assertThatThrownBy(() -> NpyReader.read(new ByteArrayInputStream(wide), "x_train",
                new DatasetLimits(Long.MAX_VALUE, Long.MAX_VALUE))).hasMessage("x_train has 600000000 elements of 1 "
                + "bytes; as one in-memory array (FLOAT for inputs) it would exceed 2147483639 bytes");
    }

    @Test
    void readsAFashionMnistSizedUint8Array() {
        byte[] data = new byte[60000 * 28 * 28];
        new Random(1).nextBytes(data);
        byte[] file = npy("|u1", new long[] {60000, 28, 28}, data);
        read(file); // warm-up
        long start = System.nanoTime();
        INDArray a = read(file);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("NpyReader: 60000x28x28 uint8 in " + millis + " ms");
        assertThat(a.shape()).containsExactly(60000, 28, 28);
        assertThat(a.getInt(59999, 27, 27)).isEqualTo(data[data.length - 1] & 0xFF);
        assertThat(a.getInt(12345, 3, 17)).isEqualTo(data[12345 * 784 + 3 * 28 + 17] & 0xFF);
    }
}
