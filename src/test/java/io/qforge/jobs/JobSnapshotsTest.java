package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The poll cache: one load per job per TTL, evicted by writes (after their transaction), tenant-checked. */
class JobSnapshotsTest {
    private final UUID tenant = UUID.randomUUID();
    private final UUID id = UUID.randomUUID();
    private final AtomicInteger loads = new AtomicInteger();
    private volatile double progress = 0.25;

    private Optional<Job> load(UUID jobId) {
        loads.incrementAndGet();
        if (!jobId.equals(id)) return Optional.empty();
        var now = OffsetDateTime.parse("2026-12-02T17:00:00Z");
        return Optional.of(new Job(id, tenant, UUID.randomUUID(), UUID.randomUUID(), "{}", "default", JobStatus.RUNNING,
                JobPhase.TRAINING, "worker-0", now, 1, 2L, false, 1, 3, 5, 10, progress, 0, null, null, null, null,
                now, now, null));
    }

    @Test
    void manyPollsOfOneJobReadItOnceAndAWriteMakesTheNextPollReadAgain() {
        var snapshots = new JobSnapshots(Duration.ofMinutes(1));
        var first = snapshots.get(tenant, id, this::load).orElseThrow();
        for (int i = 0; i < 1000; i++) {
            assertThat(snapshots.get(tenant, id, this::load).orElseThrow().etag()).isEqualTo(first.etag());
        }
        assertThat(loads).hasValue(1);
        assertThat(first.etag()).isEqualTo(JobView.etag(first.job()));

        progress = 0.5;
        snapshots.evict(id);
        var second = snapshots.get(tenant, id, this::load).orElseThrow();
        assertThat(loads).hasValue(2);
        assertThat(second.job().progress()).isEqualTo(0.5);
        assertThat(second.etag()).isNotEqualTo(first.etag());
    }

    @Test
    void anotherTenantGetsNothingEvenFromACachedRowAndMissingJobsAreNotCached() {
        var snapshots = new JobSnapshots(Duration.ofMinutes(1));
        assertThat(snapshots.get(tenant, id, this::load)).isPresent();
        assertThat(snapshots.get(UUID.randomUUID(), id, this::load)).isEmpty();
        UUID missing = UUID.randomUUID();
        assertThat(snapshots.get(tenant, missing, this::load)).isEmpty();
        assertThat(snapshots.get(tenant, missing, this::load)).isEmpty();
        assertThat(loads).hasValue(3); // the job once, the missing id twice
    }

    @Test
    void aZeroTtlReadsEveryPollAndAnExpiredEntryIsReadAgain() throws Exception {
        var uncached = new JobSnapshots(Duration.ZERO);
        uncached.get(tenant, id, this::load);
        uncached.get(tenant, id, this::load);
        assertThat(loads).hasValue(2);

        var shortLived = new JobSnapshots(Duration.ofMillis(50));
        shortLived.get(tenant, id, this::load);
        Thread.sleep(120);
        progress = 0.75;
        assertThat(shortLived.get(tenant, id, this::load).orElseThrow().job().progress()).isEqualTo(0.75);
        assertThat(loads).hasValue(4);
    }

    @Test
    void aWriteInsideATransactionEvictsAgainWhenItCompletes() {
        var snapshots = new JobSnapshots(Duration.ofMinutes(1));
        TransactionSynchronizationManager.initSynchronization();
        try {
            snapshots.evict(id); // the UPDATE is not committed yet
            snapshots.get(tenant, id, this::load); // a poll meanwhile caches the row as it was before the commit
            progress = 0.9; // the commit
            for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
                s.afterCompletion(TransactionSynchronization.STATUS_COMMITTED);
            }
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
        assertThat(snapshots.get(tenant, id, this::load).orElseThrow().job().progress()).isEqualTo(0.9);
        assertThat(loads).hasValue(2);
    }
}
