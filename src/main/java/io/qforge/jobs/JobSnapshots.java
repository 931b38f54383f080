package io.qforge.jobs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.qforge.config.QforgeProperties;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Job rows as polls see them: {@code GET /v1/jobs/{id}} reads a job at most once per
 * {@code qforge.polling.job-cache-ttl} from the database, however many clients poll it, and keeps
 * its ETag with it, so a poll of an unchanged job is a map lookup and a 304.
 *
 * <p>Every write to a job row in this process ({@link JobStore}, {@link JobQueue}) evicts the
 * job, after its transaction commits when there is one, so a poll sent after a change made by this
 * process (a cancel, a worker's progress, the end of the job) sees it. A change made by another
 * instance of the service is seen within the TTL. A load that races with a write cannot put the
 * old row back: Caffeine's {@code invalidate} waits for a running load of the same key and then
 * removes its result.
 */
@Component
public class JobSnapshots {
    /** A job row and its ETag. */
    public record Snapshot(Job job, String etag) {
        static Snapshot of(Job job) {
            return new Snapshot(job, JobView.etag(job));
        }
    }

    private static final int MAX_JOBS = 10_000;
    private final Cache<UUID, Snapshot> cache;

    @Autowired
    public JobSnapshots(QforgeProperties props) {
        this(props.getPolling().getJobCacheTtl());
    }

    JobSnapshots(Duration ttl) {
        this.cache = ttl.isZero() || ttl.isNegative() ? null
                : Caffeine.newBuilder().maximumSize(MAX_JOBS).expireAfterWrite(ttl).build();
    }

    /** The tenant's job, from the cache or {@code load}; empty when there is none (not cached). */
    public Optional<Snapshot> get(UUID tenantId, UUID id, Function<UUID, Optional<Job>> load) {
        Snapshot s = cache == null ? load.apply(id).map(Snapshot::of).orElse(null)
                : cache.get(id, k -> load.apply(k).map(Snapshot::of).orElse(null));
        return s != null && s.job().tenantId().equals(tenantId) ? Optional.of(s) : Optional.empty();
    }

    /** Forgets the job now and, inside a transaction, again when it completes. */
    public void evict(UUID id) {
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
