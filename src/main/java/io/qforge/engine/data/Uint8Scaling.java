package io.qforge.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads uint8 pixels straight into a FLOAT array as {@code v / 255f} (so 0..255 maps to [0, 1]),
 * through a 256-entry table, without a uint8 intermediate array or an ND4J cast: for Fashion-MNIST
 * (47M pixels) this is one pass over the bytes.
 */
final class Uint8Scaling {

    private static final float[] TABLE = new float[256];
    private static final int CHUNK = 1 << 16;

    static {
        for (int v = 0; v < 256; v++) {
            TABLE[v] = v / 255f;
        }
    }

    private Uint8Scaling() {
    }

    /** A new detached FLOAT array of {@code shape} in {@code order} ('c' or 'f'), contents undefined. */
    static INDArray allocate(long[] shape, char order) {
        return Nd4j.createUninitializedDetached(DataType.FLOAT, order, shape);
    }

    /**
     * Fills {@code target} (a fresh FLOAT array) from {@code in}, one byte per element.
     *
     * @return the number of bytes read: less than {@code target.length()} when {@code in} ended early
     */
    static long fill(InputStream in, INDArray target) throws IOException {
        long count = target.length();
        if (count == 0) {
            return 0;
        }
        ByteBuffer bytes = target.data().asNio().order(ByteOrder.nativeOrder());
        bytes.clear();
        FloatBuffer floats = bytes.asFloatBuffer();
        byte[] chunk = new byte[(int) Math.min(CHUNK, count)];
        float[] values = new float[chunk.length];
        long done = 0;
        while (done < count) {
            int want = (int) Math.min(chunk.length, count - done);
            int got = in.readNBytes(chunk, 0, want);
            for (int i = 0; i < got; i++) {
                values[i] = TABLE[chunk[i] & 0xFF];
            }
            floats.put(values, 0, got);
            done += got;
            if (got < want) {
                break;
            }
        }
        return done;
    }
}
