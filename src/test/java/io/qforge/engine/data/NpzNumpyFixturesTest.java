package io.qforge.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Reads .npz files written by real numpy (scripts/make_npz_fixtures.py); the expected values are
 * the script's formulas.
 */
class NpzNumpyFixturesTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpzNumpyFixturesTest.class.getResource("/npz/" + name).toURI());
    }

    @Test
    void readsNumpySavezWithUint8Images() throws Exception {
        Dataset ds = NpzReader.read(fixture("uint8_stored.npz"));
        assertThat(ds.xTrain().shape()).containsExactly(6, 1, 4, 4);
        float[] x = ds.xTrain().reshape(96).toFloatVector();
        for (int i = 0; i < 96; i++) {
            assertThat(x[i]).isEqualTo((i * 2) / 255f);
        }
        float[] xt = ds.xTest().reshape(48).toFloatVector();
        for (int i = 0; i < 48; i++) {
            assertThat(xt[i]).isEqualTo((255 - i) / 255f);
        }
        assertThat(ds.yTrain()).containsExactly(0, 1, 2, 0, 1, 2);
        assertThat(ds.yTest()).containsExactly(2, 1, 0);
        assertThat(NpzReader.describe(fixture("uint8_stored.npz")))
                .containsOnlyKeys("x_train", "y_train", "x_test", "y_test"); // class_names (<U1) left out
    }

    @Test
    void readsNumpySavezCompressedWithFortranAndBigEndianArrays() throws Exception {
        Dataset ds = NpzReader.read(fixture("float_compressed.npz"));
        assertThat(ds.xTrain().shape()).containsExactly(5, 3);
        float[] x = ds.xTrain().reshape(15).toFloatVector();
        for (int i = 0; i < 15; i++) {
            assertThat(x[i]).isEqualTo(i / 8f - 1f);
        }
        assertThat(NpzReader.describe(fixture("float_compressed.npz")).get("x_test").fortranOrder()).isTrue();
        float[] xt = ds.xTest().reshape(12).toFloatVector();
        for (int i = 0; i < 12; i++) {
            assertThat(xt[i]).isEqualTo(i * 0.25f);
        }
        assertThat(ds.yTrain()).containsExactly(1, 0, 1, 1, 0);
        assertThat(ds.yTest()).containsExactly(0, 1, 1, 0);
    }

    @Test
    void refusesNumpyObjectArrays() throws Exception {
        assertThatThrownBy(() -> NpzReader.read(fixture("object_x_train.npz"))).isInstanceOf(DatasetException.class)
                .hasMessage("x_train has object dtype '|O': pickled arrays are refused");
    }
}
