package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/** The PostgreSQL queue: racing claimers, leases and heartbeats, the reaper, resume from checkpoint, shutdown. */
class QueueTest extends ServiceTest {
    private static final Duration LEASE = Duration.ofSeconds(60);

    @Autowired JobQueue queue;
    @Autowired JobStore jobs;
    @Autowired JobRunner runner;
    @Autowired Reaper reaper;
    @Autowired JsonMapper json;
    @Autowired QforgeProperties props;

    private record Fixture(UUID tenant, UUID model, UUID dataset) {}

    private Fixture fixtureRows() {
        var key = tenants.createTenant("q-" + UUID.randomUUID());
        var api = new Http(port, key.secret());
        var ids = lenetAndDigits(api);
        return new Fixture(key.tenant().id(), UUID.fromString(ids[0]), UUID.fromString(ids[1]));
    }

    private UUID enqueue(Fixture f, String queueName, int epochs) {
        var spec = new JobSpec(8, 8, JobSpec.Granularity.PER_CHANNEL, JobSpec.Symmetry.ASYMMETRIC,
                JobSpec.Observer.MIN_MAX, 4, false, epochs, 1e-4, JobSpec.Schedule.COSINE, JobSpec.Optimizer.ADAM, 0.9,
                0, 32, -1, -1, 0);
        return jobs.insert(f.tenant(), f.model(), f.dataset(), json.writeValueAsString(spec), queueName, epochs, null, null).id();
    }

    @Test
    void twoWorkersRacingNeverClaimTheSameJob() throws Exception {
        var f = fixtureRows();
        String q = "race-" + UUID.randomUUID();
        int n = 150;
        for (int i = 0; i < n; i++) enqueue(f, q, 1);
        var claimed = Collections.synchronizedList(new ArrayList<UUID>());
        var start = new CyclicBarrier(2);
        Runnable claimer = () -> {
            try {
                start.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            String owner = "racer-" + Thread.currentThread().getName();
            while (true) {
                var c = queue.claim(q, owner, LEASE);
                if (c.isEmpty()) return;
                claimed.add(c.get().id());
            }
        };
        var a = new Thread(claimer, "a");
        var b = new Thread(claimer, "b");
        a.start();
        b.start();
        a.join(60_000);
        b.join(60_000);
        assertThat(claimed).hasSize(n);
        assertThat(new HashSet<>(claimed)).hasSize(n);
        var owners = jdbc.sql("SELECT owner, count(*) FROM jobs WHERE queue = ? GROUP BY owner").param(q)
                .query((rs, i) -> rs.getString(1) + "=" + rs.getLong(2)).list();
        assertThat(owners).hasSize(2); // both really took part
        assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE queue = ? AND (status <> 'RUNNING' OR attempts <> 1 OR version <> 1)")
                .param(q).query(Long.class).single()).isZero();
    }

    @Test
    void anExpiredLeaseIsRequeuedAndTheNextWorkerResumesFromTheCheckpoint() throws Exception {
        var f = fixtureRows();
        String q = "lease-" + UUID.randomUUID();
        UUID id = enqueue(f, q, 4);
        var hung = new CountDownLatch(1);
        var wake = new CountDownLatch(1);
        engine.hook(id, (epoch, step) -> {
            if (epoch == 3 && step == 1 && hung.getCount() == 1) { // first worker hangs in epoch 3
                hung.countDown();
                wake.await(30, TimeUnit.SECONDS);
            }
        });
        var first = new Thread(() -> workers.runOnce(q, "worker-a"));
        first.start();
        assertThat(hung.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(jobs.find(id).orElseThrow().owner()).isEqualTo("worker-a");

        clock.advance(LEASE.minusSeconds(1));
        assertThat(reaper.reapOnce()).extracting(JobQueue.Reaped::id).doesNotContain(id);
        clock.advance(Duration.ofSeconds(2));
        var reaped = reaper.reapOnce();
        assertThat(reaped).filteredOn(r -> r.id().equals(id)).singleElement()
                .satisfies(r -> {
                    assertThat(r.newStatus()).isEqualTo(JobStatus.QUEUED);
                    assertThat(r.previousOwner()).isEqualTo("worker-a");
                });

        assertThat(workers.runOnce(q, "worker-b")).isTrue(); // resumes after epoch 2
        var done = jobs.find(id).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(engine.epochsTrained(id)).containsExactly(1, 2, 3, 4);

        wake.countDown(); // the hung worker wakes up: it must not touch the job any more
        first.join(30_000);
        var after = jobs.find(id).orElseThrow();
        assertThat(after.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(after.version()).isEqualTo(done.version());
        assertThat(engine.epochsTrained(id)).containsExactly(1, 2, 3, 4);
        var types = jdbc.sql("SELECT type || COALESCE(' ' || (data->>'fromEpoch'), '') FROM job_events WHERE job_id = ? ORDER BY id")
                .param(id).query(String.class).list();
        assertThat(types).containsSubsequence("CLAIMED", "REQUEUED", "CLAIMED", "RESUMED 2", "SUCCEEDED");
        assertThat(types).filteredOn(t -> t.equals("SUCCEEDED")).hasSize(1);
    }

    @Test
    void heartbeatsKeepTheLeaseAndStaleOwnersCannotWrite() {
        var f = fixtureRows();
        String q = "hb-" + UUID.randomUUID();
        UUID id = enqueue(f, q, 1);
        var claim = queue.claim(q, "hb-worker", LEASE).orElseThrow();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(50));
            assertThat(queue.heartbeat(claim, LEASE).held()).isTrue();
            assertThat(reaper.reapOnce()).extracting(JobQueue.Reaped::id).doesNotContain(id);
        }
        clock.advance(LEASE.plusSeconds(1));
        reaper.reapOnce();
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queue.heartbeat(claim, LEASE).held()).isFalse();
        assertThat(queue.finish(claim, JobStatus.SUCCEEDED, null)).isFalse();
        assertThat(queue.release(claim)).isFalse();
        var again = queue.claim(q, "hb-worker-2", LEASE).orElseThrow();
        assertThat(again.version()).isGreaterThan(claim.version());
        assertThat(again.job().attempts()).isEqualTo(2);
    }

    @Test
    void aJobThatKeepsLosingItsWorkerFailsAfterMaxAttempts() {
        var f = fixtureRows();
        String q = "max-" + UUID.randomUUID();
        UUID id = enqueue(f, q, 1);
        int max = props.getWorkers().getMaxAttempts();
        for (int attempt = 1; attempt <= max; attempt++) {
            assertThat(queue.claim(q, "crashy-" + attempt, LEASE)).isPresent();
            clock.advance(LEASE.plusSeconds(1));
            reaper.reapOnce();
            var job = jobs.find(id).orElseThrow();
            if (attempt < max) {
                assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
            } else {
                assertThat(job.status()).isEqualTo(JobStatus.FAILED);
                assertThat(job.error()).isEqualTo("The job lost its worker " + max
                        + " times (lease expired; qforge.workers.max-attempts = " + max + ")");
            }
        }
        assertThat(queue.claim(q, "late", LEASE)).isEmpty();
    }

    @Test
    void onShutdownARunningJobGoesBackToTheQueueAndLaterResumes() {
        var f = fixtureRows();
        String q = "stop-" + UUID.randomUUID();
        UUID id = enqueue(f, q, 3);
        var claim = queue.claim(q, "stopping-worker", LEASE).orElseThrow();
        // the worker is told to stop during epoch 2
        var status = runner.run(claim, () -> engine.epochsTrained(id).size() >= 1);
        assertThat(status).isEqualTo(JobStatus.QUEUED);
        var queued = jobs.find(id).orElseThrow();
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queued.owner()).isNull();
        assertThat(queued.attempts()).isZero(); // an orderly stop is not a lost attempt
        assertThat(workers.runOnce(q, "next-worker")).isTrue();
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(engine.epochsTrained(id)).containsExactly(1, 2, 3);
    }

    @Test
    void cancelRequestedWhileTheWorkerIsGoneEndsCancelledNotRequeued() {
        var f = fixtureRows();
        String q = "cx-" + UUID.randomUUID();
        UUID id = enqueue(f, q, 1);
        queue.claim(q, "vanished", LEASE).orElseThrow();
        assertThat(jobs.requestCancel(f.tenant(), id)).isTrue();
        clock.advance(LEASE.plusSeconds(1));
        reaper.reapOnce();
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        List<String> types = jdbc.sql("SELECT type FROM job_events WHERE job_id = ? ORDER BY id").param(id)
                .query(String.class).list();
        assertThat(types).endsWith("CANCELLED");
    }
}
