package io.qforge.jobs;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.qforge.config.QforgeProperties;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Job rows as polls see them: {@code GET /v1/jobs/{id}} answers from memory, with the row's ETag,
 * and never waits for the database once the job has been read. Measured: a poll that had to read
 * the row waited 50-100 ms whenever PostgreSQL was slow (a commit's fsync, a busy machine), and with
 * it every poll of that job behind it.
 *
 * <ul>
 *   <li>Every write to a job row made by this process ({@link JobStore}, {@link JobQueue}) puts the
 *       row it wrote ({@code RETURNING *}) here, after its transaction commits when there is one: the
 *       next poll sees the change without reading it.</li>
 *   <li>A row older than {@code qforge.polling.job-cache-ttl} is still answered, and read again in
 *       the background (one read per job at a time): changes made by another instance of the service
 *       show within about that time. A row is never answered when older than {@link #MAX_STALE}.</li>
 *   <li>The first poll of a job reads it (polls of the same job wait for that one read).</li>
 * </ul>
 * A background read that started before a write cannot overwrite it: Caffeine drops a refresh when
 * the entry changed meanwhile.
 */
@Component
public class JobSnapshots {
    /** A job row and its ETag. */
    public record Snapshot(Job job, String etag) {
        static Snapshot of(Job job) {
            return new Snapshot(job, JobView.etag(job));
        }
    }

    /** Past this age a row is read again before it is answered (a stuck background read cannot keep it). */
    static final Duration MAX_STALE = Duration.ofSeconds(30);
    private static final int MAX_JOBS = 10_000;
    private final LoadingCache<UUID, Snapshot> cache;
    private final Function<UUID, Optional<Job>> load;

    @Autowired
    public JobSnapshots(JdbcClient jdbc, QforgeProperties props) {
        this(props.getPolling().getJobCacheTtl(), id -> jdbc.sql("SELECT * FROM jobs WHERE id = ?").param(id)
                .query((rs, i) -> Job.from(rs)).optional(), backgroundReads());
    }

    JobSnapshots(Duration ttl, Function<UUID, Optional<Job>> load, Executor executor) {
        this.load = load;
        this.cache = ttl.isZero() || ttl.isNegative() ? null
                : Caffeine.newBuilder().maximumSize(MAX_JOBS).refreshAfterWrite(ttl)
                        .expireAfterWrite(MAX_STALE.compareTo(ttl) > 0 ? MAX_STALE : ttl.multipliedBy(2))
                        .executor(executor).build(id -> load.apply(id).map(Snapshot::of).orElse(null));
    }

    private static Executor backgroundReads() {
        return Executors.newSingleThreadExecutor(r -> {
            var t = new Thread(r, "qforge-job-snapshots");
            t.setDaemon(true);
            return t;
        });
    }

    /** The tenant's job as polls see it; empty when there is none (a missing job is not remembered). */
    public Optional<Snapshot> get(UUID tenantId, UUID id) {
        Snapshot s = cache == null ? load.apply(id).map(Snapshot::of).orElse(null) : cache.get(id);
        return s != null && s.job().tenantId().equals(tenantId) ? Optional.of(s) : Optional.empty();
    }

    /** This process wrote {@code row} (as the database returned it): polls see it once it is committed. */
    public void written(Job row) {
        if (cache == null) return;
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_COMMITTED) {
                        cache.put(row.id(), Snapshot.of(row));
                    } else {
                        cache.invalidate(row.id());
                    }
                }
            });
        } else {
            cache.put(row.id(), Snapshot.of(row));
        }
    }

    /** This process changed the job in a way it has no row for: the next poll reads it. */
    public void changed(UUID id) {
        if (cache == null) return;
        cache.invalidate(id);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    cache.invalidate(id);
                }
            });
        }
    }
}
