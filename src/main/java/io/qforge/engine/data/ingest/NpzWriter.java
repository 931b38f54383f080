package io.qforge.engine.data.ingest;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the canonical dataset archive: a zip of {@code .npy} entries, deflated at the fastest
 * level ({@code np.load} and {@link io.qforge.engine.data.NpzReader} read it). Writing stops with a
 * {@link SourceException} on {@code file} as soon as the archive passes {@code maxBytes}.
 */
final class NpzWriter implements AutoCloseable {
    private final ZipOutputStream zip;
    private final long maxBytes;

    NpzWriter(Path out, long maxBytes) throws IOException {
        this.maxBytes = maxBytes;
        this.zip = new ZipOutputStream(new Bounded(new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)));
        zip.setLevel(Deflater.BEST_SPEED);
    }

    /** Starts entry {@code name}.npy; write the header and the data to {@link #out()}. */
    void begin(String name) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
    }

    OutputStream out() {
        return zip;
    }

    void end() throws IOException {
        zip.closeEntry();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    private final class Bounded extends FilterOutputStream {
        private long written;

        Bounded(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count(len);
            out.write(b, off, len);
        }

        private void count(int n) {
            written += n;
            if (written > maxBytes) {
                throw new SourceException("file", "the converted dataset would take more than " + maxBytes
                        + " bytes as .npz, the most a stored dataset may take");
            }
        }
    }
}
