package io.qforge.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Checks the values of one {@code .npy} array as they stream past in bounded chunks (64 KiB), so a
 * check never allocates from the size a header declares: the data must actually be there, and a
 * header that promises more than the stream holds is reported as truncated.
 *
 * <ul>
 *   <li>{@link #requireFinite}: every float16/float32/float64 value is finite, and a float64 one
 *       within float32's range (inputs are trained as float32); the first bad value is reported with
 *       its flat index and sample; uint8 is always finite.
 *   <li>{@link #labels}: integer labels fit a 32-bit class index (int64 above 2^31-1 and uint64 above
 *       2^63-1 are refused with their index); returns their smallest and largest value.
 * </ul>
 */
public final class NpyValueScan {

    static final int CHUNK = 1 << 16; // a multiple of every element size

    /** Smallest and largest label, and the flat index of the (first) smallest. */
    public record LabelRange(long min, long max, long minIndex) {
    }

    private NpyValueScan() {
    }

    /** Reads the data of {@code header} from {@code in} and throws if a value is NaN or infinite. */
    public static void requireFinite(InputStream in, NpyHeader header) {
        NpyDtype dtype = header.dtype();
        Chunks chunks = new Chunks(in, header);
        for (ByteBuffer b; (b = chunks.next()) != null; ) {
            long base = chunks.firstIndex();
            int n = b.remaining() / dtype.size();
            for (int i = 0; i < n; i++) {
                String bad = switch (dtype) {
                    case FLOAT16 -> half(b.getShort(i * 2));
                    case FLOAT32 -> nonFinite(b.getFloat(i * 4));
                    case FLOAT64 -> outsideFloat(b.getDouble(i * 8));
                    default -> null;
                };
                if (bad != null) {
                    long index = base + i;
                    throw new DatasetException(header.name() + " contains " + bad + " at flat index " + index
                            + " (sample " + sample(header, index) + "); inputs must be finite");
                }
            }
        }
    }

    /** Reads the integer labels of {@code header} from {@code in}; each must fit a 32-bit int. */
    public static LabelRange labels(InputStream in, NpyHeader header) {
        NpyDtype dtype = header.dtype();
        if (!dtype.isInteger()) {
            throw new IllegalArgumentException(header.name() + " is not an integer array");
        }
        boolean unsigned = dtype.code().charAt(0) == 'u';
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long minIndex = -1;
        Chunks chunks = new Chunks(in, header);
        for (ByteBuffer b; (b = chunks.next()) != null; ) {
            long base = chunks.firstIndex();
            int n = b.remaining() / dtype.size();
            for (int i = 0; i < n; i++) {
                long v = switch (dtype.size()) {
                    case 1 -> unsigned ? Byte.toUnsignedLong(b.get(i)) : b.get(i);
                    case 2 -> unsigned ? Short.toUnsignedLong(b.getShort(i * 2)) : b.getShort(i * 2);
                    case 4 -> unsigned ? Integer.toUnsignedLong(b.getInt(i * 4)) : b.getInt(i * 4);
                    default -> b.getLong(i * 8);
                };
                if (v > Integer.MAX_VALUE || unsigned && v < 0 || v < Integer.MIN_VALUE) {
                    throw new DatasetException(header.name() + "[" + (base + i) + "] = "
                            + (unsigned ? Long.toUnsignedString(v) : Long.toString(v))
                            + " does not fit a 32-bit class index (labels are 0..classes-1)");
                }
                if (v < min) {
                    min = v;
                    minIndex = base + i;
                }
                max = Math.max(max, v);
            }
        }
        return new LabelRange(min, max, minIndex);
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : null;
    }

    /** float64 inputs are trained as float32: a finite value beyond float32's range would become infinite. */
    private static String outsideFloat(double v) {
        String bad = nonFinite(v);
        return bad != null || Math.abs(v) <= Float.MAX_VALUE ? bad : v + " (beyond float32's range)";
    }

    /** IEEE 754 half: exponent bits all ones is infinity (mantissa 0) or NaN. */
    private static String half(short bits) {
        if ((bits & 0x7C00) != 0x7C00) {
            return null;
        }
        return (bits & 0x03FF) != 0 ? "NaN" : bits < 0 ? "-Inf" : "+Inf";
    }

    private static long sample(NpyHeader header, long index) {
        long[] shape = header.shape();
        if (header.fortranOrder() && shape.length > 1) {
            return index % shape[0]; // column-major: the first axis varies fastest
        }
        long perSample = header.elementCount() / Math.max(1, shape[0]);
        return index / Math.max(1, perSample);
    }

    /** The data of one array in chunks of at most {@link #CHUNK} bytes, in the header's byte order. */
    private static final class Chunks {
        private final InputStream in;
        private final NpyHeader header;
        private final byte[] buffer;
        private long read;
        private long first;

        Chunks(InputStream in, NpyHeader header) {
            this.in = in;
            this.header = header;
            this.buffer = new byte[(int) Math.min(CHUNK, Math.max(header.dataBytes(), 1))];
        }

        /** The next chunk, or null at the end of the array's data. */
        ByteBuffer next() {
            long total = header.dataBytes();
            if (read >= total) {
                return null;
            }
            int want = (int) Math.min(buffer.length, total - read);
            int got;
            try {
                got = in.readNBytes(buffer, 0, want);
            } catch (IOException e) {
                throw new DatasetException("could not read the data of " + header.name() + ": " + e.getMessage(), e);
            }
            if (got < want) {
                throw new DatasetException(header.name() + " is truncated: its header " + header.shapeString() + " "
                        + header.dtype().numpyName() + " promises " + total + " data bytes but only " + (read + got)
                        + " follow");
            }
            first = read / header.dtype().size();
            read += got;
            return ByteBuffer.wrap(buffer, 0, got).slice().order(header.byteOrder());
        }

        long firstIndex() {
            return first;
        }
    }
}
