package io.qforge.jobs;

import io.qforge.storage.BlobStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A job's output files (bytes in {@link BlobStore}) and its report (JSONB). */
@Repository
public class Artifacts {
    public record Artifact(UUID id, UUID jobId, String name, String contentType, UUID blobId, String sha256, long size,
                           OffsetDateTime createdAt) {}

    private static final RowMapper<Artifact> MAPPER = (rs, i) -> new Artifact(rs.getObject("id", UUID.class),
            rs.getObject("job_id", UUID.class), rs.getString("name"), rs.getString("content_type"),
            rs.getObject("blob_id", UUID.class), rs.getString("sha256"), rs.getLong("size"),
            rs.getObject("created_at", OffsetDateTime.class));

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final Clock clock;

    public Artifacts(JdbcClient jdbc, BlobStore blobs, Clock clock) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.clock = clock;
    }

    /** Call inside the transaction that finishes the job. */
    public void add(UUID jobId, String name, String contentType, UUID blobId, String sha256, long size) {
        jdbc.sql("""
                INSERT INTO artifacts (id, job_id, name, content_type, blob_id, sha256, size, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), jobId, name, contentType, blobId, sha256, size, OffsetDateTime.now(clock))
                .update();
    }

    public List<Artifact> list(UUID jobId) {
        return jdbc.sql("SELECT * FROM artifacts WHERE job_id = ? ORDER BY name").param(jobId).query(MAPPER).list();
    }

    public Optional<Artifact> find(UUID jobId, String name) {
        return jdbc.sql("SELECT * FROM artifacts WHERE job_id = ? AND name = ?").params(jobId, name).query(MAPPER).optional();
    }

    public void saveReport(UUID jobId, String json) {
        jdbc.sql("""
                INSERT INTO reports (job_id, body, created_at) VALUES (?, ?::jsonb, ?)
                ON CONFLICT (job_id) DO UPDATE SET body = EXCLUDED.body, created_at = EXCLUDED.created_at""")
                .params(jobId, json, OffsetDateTime.now(clock)).update();
    }

    public Optional<String> report(UUID jobId) {
        return jdbc.sql("SELECT body::text FROM reports WHERE job_id = ?").param(jobId).query(String.class).optional();
    }
}
