package io.qforge.engine.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes that actually come out of an archive's entries (never the sizes the archive
 * declares) against one budget shared by every entry of one check.
 */
public final class InflatedBudget {
    private final long limit;
    private final String file;
    private long used;

    public InflatedBudget(long limit, String file) {
        this.limit = limit;
        this.file = file;
    }

    /** {@code in}, counting what it yields against this budget; {@link Counted#count()} is per entry. */
    public Counted wrap(InputStream in, String entry) {
        return new Counted(in, entry);
    }

    long used() {
        return used;
    }

    public final class Counted extends FilterInputStream {
        private final String entry;
        private long count;

        Counted(InputStream in, String entry) {
            super(in);
            this.entry = entry;
        }

        public long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(n, 8192)];
            long skipped = 0;
            while (skipped < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        private void add(int n) {
            count += n;
            used += n;
            if (used > limit) {
                throw new InflatedBytesExceeded("checking " + file + " inflated more than " + limit
                        + " bytes (at entry " + entry + "); that is the most one upload may inflate", limit);
            }
        }
    }
}
