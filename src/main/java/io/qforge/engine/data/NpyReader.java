package io.qforge.engine.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads one {@code .npy} array (format 1.0, 2.0 or 3.0) into an ND4J array of the same element
 * type ({@link NpyDtype#nd4jType()}), in C order.
 *
 * <p>The data is copied in 1 MiB chunks straight into the array's native buffer: no per-element
 * work when the stored byte order is the machine's, a bulk typed-buffer copy that swaps bytes when
 * it is not (big-endian {@code >} arrays). A {@code fortran_order: True} array is read column-major
 * and then copied to C order. Object arrays (pickles), strings, structured and complex dtypes are
 * refused with a {@link DatasetException} that names the array.
 */
public final class NpyReader {

    private static final int CHUNK = 1 << 20;

    private NpyReader() {
    }

    /** Reads a {@code .npy} file; the array is named after the file without {@code .npy}. */
    public static INDArray read(Path file, DatasetLimits limits) {
        String name = file.getFileName().toString().replaceFirst("\\.npy$", "");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, name, limits);
        } catch (IOException e) {
            throw new DatasetException("could not read " + name + " from " + file + ": " + e, e);
        }
    }

    /** Reads header and data of the array {@code name} from {@code in} (which is not closed). */
    public static INDArray read(InputStream in, String name, DatasetLimits limits) {
        NpyHeader header = readHeader(in, name);
        limits.checkArray(name, header.elementCount(), header.dataBytes());
        limits.checkTotal(name, header.dataBytes());
        return readData(in, header);
    }

    /** Reads only the header, leaving {@code in} at the first data byte. */
    public static NpyHeader readHeader(InputStream in, String name) {
        try {
            return NpyHeaderParser.read(in, name);
        } catch (IOException e) {
            throw new DatasetException("could not read the .npy header of " + name + ": " + e, e);
        }
    }

    /**
     * Reads the data that follows {@code header} in {@code in}. The caller has checked the header
     * against its {@link DatasetLimits}.
     */
    public static INDArray readData(InputStream in, NpyHeader header) {
        long[] shape = header.shape();
        boolean fortran = header.fortranOrder() && shape.length > 1;
        INDArray array = Nd4j.createUninitializedDetached(header.dtype().nd4jType(), fortran ? 'f' : 'c', shape);
        if (header.elementCount() == 0) {
            return array;
        }
        ByteBuffer target = array.data().asNio().order(ByteOrder.nativeOrder());
        target.clear();
        if (target.capacity() != header.dataBytes()) {
            throw new IllegalStateException("ND4J buffer of " + header.name() + " has " + target.capacity()
                    + " bytes, expected " + header.dataBytes());
        }
        try {
            copy(in, target, header);
        } catch (IOException e) {
            throw new DatasetException("could not read the data of " + header.name() + ": " + e, e);
        }
        return fortran ? array.dup('c') : array;
    }

    /**
     * Reads the uint8 data that follows {@code header} as FLOAT {@code v / 255} (see
     * {@link Uint8Scaling}), in C order.
     */
    static INDArray readUint8AsUnitFloat(InputStream in, NpyHeader header) {
        if (header.dtype() != NpyDtype.UINT8) {
            throw new IllegalArgumentException(header.name() + " is " + header.dtype().numpyName() + ", not uint8");
        }
        long[] shape = header.shape();
        boolean fortran = header.fortranOrder() && shape.length > 1;
        INDArray array = Uint8Scaling.allocate(shape, fortran ? 'f' : 'c');
        try {
            long got = Uint8Scaling.fill(in, array);
            if (got < header.dataBytes()) {
                throw truncated(header, got);
            }
        } catch (IOException e) {
            throw new DatasetException("could not read the data of " + header.name() + ": " + e, e);
        }
        return fortran ? array.dup('c') : array;
    }

    private static DatasetException truncated(NpyHeader header, long got) {
        return new DatasetException(header.name() + " is truncated: its header declares "
                + header.dtype().numpyName() + " " + header.shapeString() + " = " + header.dataBytes()
                + " bytes of data but only " + got + " bytes follow");
    }

    private static void copy(InputStream in, ByteBuffer target, NpyHeader header) throws IOException {
        int size = header.dtype().size();
        boolean swap = size > 1 && !header.byteOrder().equals(ByteOrder.nativeOrder());
        byte[] chunk = new byte[(int) Math.min(CHUNK, target.capacity())];
        while (target.hasRemaining()) {
            int want = Math.min(chunk.length, target.remaining()); // a multiple of size: CHUNK is
            int got = in.readNBytes(chunk, 0, want);
            if (got < want) {
                throw truncated(header, target.position() + got);
            }
            if (!swap) {
                target.put(chunk, 0, got);
                continue;
            }
            ByteBuffer source = ByteBuffer.wrap(chunk, 0, got).order(header.byteOrder());
            switch (size) {
                case 2 -> target.asShortBuffer().put(source.asShortBuffer());
                case 4 -> target.asIntBuffer().put(source.asIntBuffer());
                case 8 -> target.asLongBuffer().put(source.asLongBuffer());
                default -> throw new IllegalStateException("element size " + size);
            }
            target.position(target.position() + got);
        }
    }
}
