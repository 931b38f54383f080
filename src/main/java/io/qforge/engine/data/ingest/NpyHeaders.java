package io.qforge.engine.data.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The header of a {@code .npy} file, format 1.0, as numpy writes it: magic {@code \x93NUMPY},
 * version 1.0, a little-endian uint16 length, then a Python dict literal padded with spaces and a
 * newline so that the data starts at a multiple of 64 bytes.
 */
final class NpyHeaders {
    private NpyHeaders() {
    }

    /** @param descr a numpy dtype string: {@code |u1}, {@code <f4}, {@code <i4} */
    static byte[] of(String descr, long... shape) {
        var dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, Math.max(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xFF);
        out.write(header.length() >>> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
