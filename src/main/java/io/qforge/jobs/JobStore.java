package io.qforge.jobs;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Job rows as the API sees them: insert, find and list within a tenant, cancel. */
@Repository
public class JobStore {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final JobSnapshots snapshots;

    public JobStore(JdbcClient jdbc, Clock clock, JobSnapshots snapshots) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.snapshots = snapshots;
    }

    public Job insert(UUID tenantId, UUID modelId, UUID datasetId, String specJson, String queue, int totalEpochs,
            String idempotencyKey, String requestHash) {
        var now = OffsetDateTime.now(clock);
        var id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO jobs (id, tenant_id, model_id, dataset_id, spec, queue, status, total_epochs,
                                  idempotency_key, request_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, 'QUEUED', ?, ?, ?, ?, ?)""")
                .params(id, tenantId, modelId, datasetId, specJson, queue, totalEpochs, idempotencyKey, requestHash,
                        now, now)
                .update();
        return find(id).orElseThrow();
    }

    public Optional<Job> find(UUID id) {
        return jdbc.sql("SELECT * FROM jobs WHERE id = ?").param(id).query((rs, i) -> Job.from(rs)).optional();
    }

    public Optional<Job> find(UUID tenantId, UUID id) {
        return jdbc.sql("SELECT * FROM jobs WHERE tenant_id = ? AND id = ?").params(tenantId, id)
                .query((rs, i) -> Job.from(rs)).optional();
    }

    /** For polls: the job and its ETag, read at most once per {@code qforge.polling.job-cache-ttl} ({@link JobSnapshots}). */
    public Optional<JobSnapshots.Snapshot> poll(UUID tenantId, UUID id) {
        return snapshots.get(tenantId, id);
    }

    public Optional<Job> findByIdempotencyKey(UUID tenantId, String key) {
        return jdbc.sql("SELECT * FROM jobs WHERE tenant_id = ? AND idempotency_key = ?").params(tenantId, key)
                .query((rs, i) -> Job.from(rs)).optional();
    }

    /** Newest first; {@code status} null = all. */
    public List<Job> list(UUID tenantId, JobStatus status, int page, int size) {
        return jdbc.sql("""
                SELECT * FROM jobs WHERE tenant_id = :tenant AND (CAST(:status AS text) IS NULL OR status = :status)
                ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset""")
                .param("tenant", tenantId).param("status", status == null ? null : status.name())
                .param("limit", size).param("offset", (long) page * size)
                .query((rs, i) -> Job.from(rs)).list();
    }

    public long count(UUID tenantId, JobStatus status) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE tenant_id = :tenant AND (CAST(:status AS text) IS NULL OR status = :status)")
                .param("tenant", tenantId).param("status", status == null ? null : status.name())
                .query(Long.class).single();
    }

    /** A queued job is cancelled at once; false if it was not QUEUED any more. */
    public boolean cancelQueued(UUID tenantId, UUID id) {
        var now = OffsetDateTime.now(clock);
        var row = jdbc.sql("""
                UPDATE jobs SET status = 'CANCELLED', cancel_requested = true, finished_at = ?, updated_at = ?,
                                version = version + 1
                WHERE tenant_id = ? AND id = ? AND status = 'QUEUED'
                RETURNING *""")
                .params(now, now, tenantId, id).query((rs, i) -> Job.from(rs)).optional();
        row.ifPresent(snapshots::written);
        return row.isPresent();
    }

    /** A running job is flagged; its worker stops at the next step. False if it was not RUNNING. */
    public boolean requestCancel(UUID tenantId, UUID id) {
        var row = jdbc.sql("""
                UPDATE jobs SET cancel_requested = true, updated_at = ?
                WHERE tenant_id = ? AND id = ? AND status = 'RUNNING'
                RETURNING *""")
                .params(OffsetDateTime.now(clock), tenantId, id).query((rs, i) -> Job.from(rs)).optional();
        row.ifPresent(snapshots::written);
        return row.isPresent();
    }
}
