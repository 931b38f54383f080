package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The poll cache: a job is read once, then answered from memory; writes of this process put their
 * row (after the commit); an old row is answered while it is read again in the background;
 * tenant-checked.
 */
class JobSnapshotsTest {
    private final UUID tenant = UUID.randomUUID();
    private final UUID id = UUID.randomUUID();
    private final AtomicInteger loads = new AtomicInteger();
    private volatile double progress = 0.25;
    private volatile CountDownLatch readGate = new CountDownLatch(0);

    private Job row(double p) {
        var now = OffsetDateTime.parse("2026-12-02T17:00:00Z");
        return new Job(id, tenant, UUID.randomUUID(), UUID.randomUUID(), "{}", "default", JobStatus.RUNNING,
                JobPhase.TRAINING, "worker-0", now, 1, 2L, false, 1, 3, 5, 10, p, 0, null, null, null, null,
                now, now, null);
    }

    private Optional<Job> load(UUID jobId) {
        try {
            readGate.await(10, TimeUnit.SECONDS); // a slow database
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loads.incrementAndGet();
        return jobId.equals(id) ? Optional.of(row(progress)) : Optional.empty();
    }

    private JobSnapshots snapshots(Duration ttl, Executor executor) {
        return new JobSnapshots(ttl, this::load, executor);
    }

    @Test
    void manyPollsOfOneJobReadItOnceAndAWriteOfThisProcessIsSeenWithoutAnotherRead() {
        var snapshots = snapshots(Duration.ofMinutes(1), Runnable::run);
        var first = snapshots.get(tenant, id).orElseThrow();
        for (int i = 0; i < 1000; i++) {
            assertThat(snapshots.get(tenant, id).orElseThrow().etag()).isEqualTo(first.etag());
        }
        assertThat(loads).hasValue(1);
        assertThat(first.etag()).isEqualTo(JobView.etag(first.job()));

        snapshots.written(row(0.5)); // e.g. the worker's progress UPDATE ... RETURNING *
        var second = snapshots.get(tenant, id).orElseThrow();
        assertThat(loads).hasValue(1);
        assertThat(second.job().progress()).isEqualTo(0.5);
        assertThat(second.etag()).isNotEqualTo(first.etag());

        progress = 0.6;
        snapshots.changed(id); // a change without a row (the reaper): the next poll reads it
        assertThat(snapshots.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.6);
        assertThat(loads).hasValue(2);
    }

    @Test
    void anotherTenantGetsNothingEvenFromACachedRowAndMissingJobsAreNotCached() {
        var snapshots = snapshots(Duration.ofMinutes(1), Runnable::run);
        assertThat(snapshots.get(tenant, id)).isPresent();
        assertThat(snapshots.get(UUID.randomUUID(), id)).isEmpty();
        UUID missing = UUID.randomUUID();
        assertThat(snapshots.get(tenant, missing)).isEmpty();
        assertThat(snapshots.get(tenant, missing)).isEmpty();
        assertThat(loads).hasValue(3); // the job once, the missing id twice
    }

    @Test
    void anOldRowIsAnsweredAtOnceWhileItIsReadAgainInTheBackground() throws Exception {
        var background = Executors.newSingleThreadExecutor();
        try {
            var snapshots = snapshots(Duration.ofMillis(50), background);
            snapshots.get(tenant, id);
            Thread.sleep(120);
            progress = 0.75; // changed by another instance
            readGate = new CountDownLatch(1); // the database is slow now
            long t0 = System.nanoTime();
            assertThat(snapshots.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.25); // old row, no wait
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
            readGate.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (snapshots.get(tenant, id).orElseThrow().job().progress() != 0.75 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(snapshots.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.75);
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void aZeroTtlReadsEveryPoll() {
        var uncached = snapshots(Duration.ZERO, Runnable::run);
        uncached.get(tenant, id);
        uncached.written(row(0.9));
        assertThat(uncached.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.25);
        assertThat(loads).hasValue(2);
    }

    @Test
    void aWriteInsideATransactionIsSeenOnlyOnceItCommits() {
        var snapshots = snapshots(Duration.ofMinutes(1), Runnable::run);
        snapshots.get(tenant, id);
        TransactionSynchronizationManager.initSynchronization();
        try {
            snapshots.written(row(0.9)); // UPDATE ... RETURNING * inside the transaction
            assertThat(snapshots.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.25); // not committed
            for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
                s.afterCompletion(TransactionSynchronization.STATUS_COMMITTED);
            }
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
        assertThat(snapshots.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.9);

        TransactionSynchronizationManager.initSynchronization();
        try {
            snapshots.written(row(0.95));
            for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
                s.afterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK);
            }
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }
        progress = 0.9; // what the database holds after the rollback
        assertThat(snapshots.get(tenant, id).orElseThrow().job().progress()).isEqualTo(0.9);
        assertThat(loads).hasValue(2); // the first read, and the read after the rollback
    }
}
