package io.qforge.engine.data.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Opens a stream inflated when it starts with the gzip magic {@code 1f 8b}, whatever its name. */
final class GzipSniff {
    private GzipSniff() {
    }

    static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** {@code in} itself or its inflated content; the caller counts what comes out. */
    static InputStream maybeInflate(InputStream raw) throws IOException {
        var in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 1 << 16);
        return isGzip(in) ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }
}
