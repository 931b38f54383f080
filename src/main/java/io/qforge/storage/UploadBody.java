package io.qforge.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * One upload's request body as read by the upload code: counts the bytes taken from the
 * connection and ends the upload with {@link TimedOut} once its wall-time budget is spent. A
 * read that waits for bytes is bounded separately by the container's read timeout
 * ({@code server.tomcat.connection-timeout}), so a trickling client is stopped at the deadline and
 * a silent one one read timeout after its last byte at the latest.
 */
final class UploadBody extends FilterInputStream {
    /** The upload took longer than {@code qforge.uploads.upload-timeout}. */
    static final class TimedOut extends IOException {
        TimedOut(Duration timeout) {
            super("The upload took longer than " + timeout);
        }
    }

    /** Reading from the connection failed (the client went away, or a read timed out). */
    static final class ReadFailed extends IOException {
        ReadFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Duration timeout;
    private final long deadline;
    private long count;

    UploadBody(InputStream in, Duration timeout) {
        super(in);
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /** Bytes read from the connection so far. */
    long count() { return count; }

    @Override
    public int read() throws IOException {
        checkDeadline();
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            throw new ReadFailed(e);
        }
        if (b >= 0) count++;
        checkDeadline();
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        checkDeadline();
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw new ReadFailed(e);
        }
        if (n > 0) count += n;
        checkDeadline();
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) return 0;
        int len = (int) Math.min(n, 8192);
        return Math.max(0, read(new byte[len], 0, len));
    }

    private void checkDeadline() throws TimedOut {
        if (System.nanoTime() - deadline > 0) throw new TimedOut(timeout);
    }
}
