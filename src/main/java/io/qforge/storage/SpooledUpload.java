package io.qforge.storage;

import io.qforge.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * An upload copied to a temp file while its SHA-256 is computed and its size counted against a
 * limit (413 as soon as the limit is passed). Never holds the content in memory. Closing deletes
 * the file.
 */
public final class SpooledUpload implements AutoCloseable {
    private final Path file;
    private final String sha256;
    private final long size;

    private SpooledUpload(Path file, String sha256, long size) {
        this.file = file;
        this.sha256 = sha256;
        this.size = size;
    }

    public static SpooledUpload spool(InputStream in, Path tempDir, String suffix, long limit, String what)
            throws IOException {
        return spool(in, tempDir, suffix, limit, () -> ApiException.tooLarge(what, limit));
    }

    /**
     * Copies {@code in} until it ends; reading stops with {@code tooLarge} as soon as more than
     * {@code limit} bytes arrived (so at most {@code limit} + one buffer is read).
     */
    public static SpooledUpload spool(InputStream in, Path tempDir, String suffix, long limit,
            Supplier<? extends RuntimeException> tooLarge) throws IOException {
        Files.createDirectories(tempDir);
        Path file = Files.createTempFile(tempDir, "qforge-upload-", suffix);
        try (in; var out = new DigestOutputStream(Files.newOutputStream(file), newDigest())) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > limit) {
                    throw tooLarge.get();
                }
                out.write(buffer, 0, n);
            }
            out.flush();
            return new SpooledUpload(file, HexFormat.of().formatHex(out.getMessageDigest().digest()), total);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file() { return file; }
    public String sha256() { return sha256; }
    public long size() { return size; }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
