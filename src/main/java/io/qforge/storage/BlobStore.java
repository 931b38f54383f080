package io.qforge.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Immutable byte contents in PostgreSQL ({@code blobs.data bytea}, uncompressed TOAST). Writes
 * stream the file through {@code setBinaryStream} with its length; reads fetch
 * {@code substring(data FROM o FOR n)} in {@value #CHUNK}-byte chunks, so neither side holds a
 * whole blob in JVM memory and a Range read touches only the chunks it needs.
 *
 * <p>Plain JDBC on purpose, while the records that refer to blobs (models, datasets, artifacts) are
 * JPA entities: JPA maps {@code bytea} to a {@code byte[]} and would load and write whole blobs
 * (gigabytes for a large dataset), with no streamed insert and no {@code substring()} reads.
 * Statements here join the caller's transaction (the JPA transaction manager shares its connection).
 */
@Repository
public class BlobStore {
    static final int CHUNK = 1 << 20;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public BlobStore(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores the file's bytes; {@code sha256} and {@code size} were measured while spooling. */
    public UUID put(Path file, String sha256, long size) {
        var id = UUID.randomUUID();
        jdbc.update(con -> {
            var ps = con.prepareStatement(
                    "INSERT INTO blobs (id, sha256, size, data, created_at) VALUES (?, ?, ?, ?, ?)");
            ps.setObject(1, id);
            ps.setString(2, sha256);
            ps.setLong(3, size);
            try {
                InputStream in = Files.newInputStream(file);
                ps.setBinaryStream(4, in, size); // pgjdbc streams it into the Bind message
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ps.setTimestamp(5, Timestamp.from(clock.instant()));
            return ps;
        });
        return id;
    }

    /** Writes {@code length} bytes starting at {@code offset} (0-based) to {@code out}, chunk by chunk. */
    public void copyTo(UUID id, long offset, long length, OutputStream out) throws IOException {
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(CHUNK, length - done);
            byte[] chunk = jdbc.queryForObject("SELECT substring(data FROM CAST(? AS int) FOR CAST(? AS int)) FROM blobs WHERE id = ?",
                    byte[].class, offset + done + 1, n, id);
            if (chunk == null || chunk.length == 0) {
                throw new IOException("blob " + id + " ended at byte " + (offset + done) + ", expected " + (offset + length));
            }
            out.write(chunk);
            done += chunk.length;
        }
    }

    /** Materializes a blob as a file (for the engine, which reads paths). */
    public void copyToFile(UUID id, Path file) throws IOException {
        long size = size(id);
        try (var out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            copyTo(id, 0, size, out);
        }
    }

    public long size(UUID id) {
        Long size = jdbc.queryForObject("SELECT size FROM blobs WHERE id = ?", Long.class, id);
        return size == null ? 0 : size;
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM blobs WHERE id = ?", id);
    }
}
