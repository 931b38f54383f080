package io.qforge.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The queue on PostgreSQL. A worker claims the oldest queued job of its queue in one statement
 * ({@code FOR UPDATE SKIP LOCKED}: concurrent claimers never block on or take the same row),
 * setting owner, lease and {@code version + 1}. Every later write by that worker carries
 * {@code owner = ? AND version = ?}, so a worker whose lease expired and whose job was re-queued
 * (the version moved on) changes nothing. Times come from the injected {@link Clock}.
 */
@Repository
public class JobQueue {
    /** A claimed job: the row as claimed, with the lease coordinates every later write must carry. */
    public record Claim(Job job, String owner, long version) {
        public UUID id() { return job.id(); }
    }

    /** What a heartbeat or progress write learned: still ours, and whether cancel was requested. */
    public record LeaseState(boolean held, boolean cancelRequested) {
        static final LeaseState LOST = new LeaseState(false, false);
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final JobSnapshots snapshots;

    public JobQueue(JdbcClient jdbc, Clock clock, JobSnapshots snapshots) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.snapshots = snapshots;
    }

    public Optional<Claim> claim(String queue, String owner, Duration lease) {
        var now = now();
        return jdbc.sql("""
                UPDATE jobs SET status = 'RUNNING', owner = :owner, lease_expires_at = :lease, heartbeat_at = :now,
                                attempts = attempts + 1, version = version + 1, started_at = :now, updated_at = :now,
                                claim_progress = progress, error = NULL
                WHERE id IN (SELECT id FROM jobs WHERE status = 'QUEUED' AND queue = :queue
                             ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING *""")
                .param("owner", owner).param("lease", now.plus(lease)).param("now", now).param("queue", queue)
                .query((rs, i) -> Job.from(rs)).optional()
                .map(job -> {
                    snapshots.written(job);
                    return new Claim(job, owner, job.version());
                });
    }

    /** Renews the lease. */
    public LeaseState heartbeat(Claim c, Duration lease) {
        var now = now();
        return jdbc.sql("""
                UPDATE jobs SET lease_expires_at = ?, heartbeat_at = ?
                WHERE id = ? AND owner = ? AND version = ? AND status = 'RUNNING'
                RETURNING cancel_requested""")
                .params(now.plus(lease), now, c.id(), c.owner(), c.version())
                .query((rs, i) -> new LeaseState(true, rs.getBoolean(1))).optional().orElse(LeaseState.LOST);
    }

    /** Records progress (and renews the lease). {@code metricsJson} null keeps the previous metrics. */
    public LeaseState progress(Claim c, JobPhase phase, Integer epoch, Integer totalEpochs, Integer step,
            Integer stepsPerEpoch, double progress, String metricsJson, Duration lease) {
        var now = now();
        return jdbc.sql("""
                UPDATE jobs SET phase = ?, epoch = ?, total_epochs = COALESCE(?, total_epochs), step = ?,
                                steps_per_epoch = ?, progress = ?, metrics = COALESCE(?::jsonb, metrics),
                                lease_expires_at = ?, heartbeat_at = ?, updated_at = ?
                WHERE id = ? AND owner = ? AND version = ? AND status = 'RUNNING'
                RETURNING *""")
                .params(phase == null ? null : phase.name(), epoch, totalEpochs, step, stepsPerEpoch, progress,
                        metricsJson, now.plus(lease), now, now, c.id(), c.owner(), c.version())
                .query((rs, i) -> Job.from(rs)).optional()
                .map(row -> {
                    snapshots.written(row);
                    return new LeaseState(true, row.cancelRequested());
                })
                .orElse(LeaseState.LOST);
    }

    /**
     * Inside a transaction: locks the claimed job's row until the transaction ends if the claim still
     * holds (RUNNING, same owner and version), so nothing re-queues or finishes it meanwhile. False if
     * the lease was lost.
     */
    public boolean lockIfHeld(Claim c) {
        return jdbc.sql("SELECT 1 FROM jobs WHERE id = ? AND owner = ? AND version = ? AND status = 'RUNNING' FOR UPDATE")
                .params(c.id(), c.owner(), c.version()).query(Integer.class).optional().isPresent();
    }

    /** Whether this version of the job is RUNNING with a lease not yet expired (its attempt may be alive). */
    public boolean isLiveClaim(UUID jobId, long version) {
        return jdbc.sql("SELECT 1 FROM jobs WHERE id = ? AND version = ? AND status = 'RUNNING' AND lease_expires_at >= ?")
                .params(jobId, version, now()).query(Integer.class).optional().isPresent();
    }

    /** Ends the claimed job as SUCCEEDED, FAILED or CANCELLED; false if the lease was lost. */
    public boolean finish(Claim c, JobStatus status, String error) {
        var now = now();
        var row = jdbc.sql("""
                UPDATE jobs SET status = ?, error = ?, owner = NULL, lease_expires_at = NULL, finished_at = ?,
                                progress = CASE WHEN ? THEN 1.0 ELSE progress END,
                                version = version + 1, updated_at = ?
                WHERE id = ? AND owner = ? AND version = ? AND status = 'RUNNING'
                RETURNING *""")
                .params(status.name(), error, now, status == JobStatus.SUCCEEDED, now, c.id(), c.owner(), c.version())
                .query((rs, i) -> Job.from(rs)).optional();
        row.ifPresent(snapshots::written);
        return row.isPresent();
    }

    /** Puts the claimed job back in the queue (worker shutting down); the attempt is not counted. */
    public boolean release(Claim c) {
        var now = now();
        var row = jdbc.sql("""
                UPDATE jobs SET status = 'QUEUED', owner = NULL, lease_expires_at = NULL, attempts = attempts - 1,
                                version = version + 1, updated_at = ?
                WHERE id = ? AND owner = ? AND version = ? AND status = 'RUNNING'
                RETURNING *""")
                .params(now, c.id(), c.owner(), c.version()).query((rs, i) -> Job.from(rs)).optional();
        row.ifPresent(snapshots::written);
        return row.isPresent();
    }

    /** A job the reaper acted on, and what it did. */
    public record Reaped(UUID id, String previousOwner, int attempts, JobStatus newStatus) {}

    /**
     * Jobs whose lease expired: cancelled if cancel was requested, FAILED when they used
     * {@code maxAttempts} claims, else back to QUEUED (they resume from their checkpoint).
     */
    public List<Reaped> reapExpired(int maxAttempts) {
        var now = now();
        List<Reaped> reaped = jdbc.sql("""
                UPDATE jobs j SET
                    status = CASE WHEN j.cancel_requested THEN 'CANCELLED'
                                  WHEN j.attempts >= :max THEN 'FAILED' ELSE 'QUEUED' END,
                    error = CASE WHEN j.cancel_requested THEN NULL
                                 WHEN j.attempts >= :max THEN 'The job lost its worker ' || j.attempts
                                      || ' times (lease expired; qforge.workers.max-attempts = ' || :max || ')'
                                 ELSE NULL END,
                    finished_at = CASE WHEN j.cancel_requested OR j.attempts >= :max THEN :now ELSE NULL END,
                    owner = NULL, lease_expires_at = NULL, version = j.version + 1, updated_at = :now
                FROM (SELECT id, owner FROM jobs WHERE status = 'RUNNING' AND lease_expires_at < :now
                      FOR UPDATE SKIP LOCKED) old
                WHERE j.id = old.id
                RETURNING j.id, old.owner, j.attempts, j.status""")
                .param("max", maxAttempts).param("now", now)
                .query((rs, i) -> new Reaped(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                        JobStatus.valueOf(rs.getString(4))))
                .list();
        reaped.forEach(r -> snapshots.changed(r.id()));
        return reaped;
    }

    public int countByStatus(JobStatus status) {
        return jdbc.sql("SELECT count(*) FROM jobs WHERE status = ?").param(status.name()).query(Integer.class).single();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
