package io.qforge.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A process with one real background worker (its own queue, so it never takes other tests' jobs):
 * the worker survives a job that throws OutOfMemoryError and runs the next job; readiness turns
 * DOWN when no worker thread is left, liveness when dead workers can no longer be replaced.
 */
@TestPropertySource(properties = {
        "qforge.workers.count=1",
        "qforge.workers.queue=" + WorkerHealthTest.QUEUE,
        "qforge.workers.poll-interval=50ms",
        "qforge.workers.max-restarts=1"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WorkerHealthTest extends ServiceTest {
    static final String QUEUE = "worker-health-test";

    @Autowired
    HealthEndpointGroups groups;

    @Test
    void aJobThatRunsOutOfMemoryFailsAndTheWorkerRunsTheNextJob_thenReadinessAndLivenessFollowTheWorkers() throws Exception {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        assertThat(readiness().status()).isEqualTo(200);
        // this context's worker claims from the queue jobs are submitted to: one job at a time, in order
        engine.hookEveryJob((epoch, step) -> {
            throw new OutOfMemoryError("Cannot allocate 4294967296 bytes");
        });
        String oom = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 1}")).json().get("id").stringValue();
        awaitTrue(() -> isFinished(api, oom), Duration.ofSeconds(60));
        engine.hookEveryJob(null);
        String next = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 1}")).json().get("id").stringValue();
        awaitTrue(() -> isFinished(api, next), Duration.ofSeconds(60));

        var failed = api.get("/v1/jobs/" + oom).json();
        assertThat(failed.get("status").stringValue()).isEqualTo("FAILED");
        assertThat(failed.get("error").stringValue())
                .startsWith("The job ran out of memory (Cannot allocate 4294967296 bytes)")
                .contains("-Xmx").contains("org.bytedeco.javacpp.maxBytes").contains("spec.batchSize");
        assertThat(api.get("/v1/jobs/" + next).json().get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(owners(oom)).isEqualTo(owners(next)).hasSize(1); // one and the same worker ran both
        assertThat(lastEventId(oom)).isLessThan(claimedEventId(next)); // ... the failing job first, then the next
        assertThat(workers.aliveWorkers()).isEqualTo(1);
        assertThat(readiness().status()).isEqualTo(200);
        assertThat(liveness().status()).isEqualTo(200);

        // the worker thread dies: it is replaced once (qforge.workers.max-restarts=1) ...
        Thread first = workerThread();
        first.interrupt();
        first.join(10_000);
        awaitTrue(() -> workerThread() != null && workerThread() != first, Duration.ofSeconds(10));
        assertThat(readiness().status()).isEqualTo(200);
        assertThat(liveness().status()).isEqualTo(200);

        // ... and when the replacement dies too, no job can run here: not ready, and not live
        Thread second = workerThread();
        second.interrupt();
        second.join(10_000);
        assertThat(workers.aliveWorkers()).isZero();
        var ready = readiness();
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("status").stringValue()).isEqualTo("DOWN");
        awaitTrue(() -> liveness().status() == 503, Duration.ofSeconds(10));
        assertThat(liveness().json().get("status").stringValue()).isEqualTo("DOWN");
    }

    /** Readiness also follows the database (Boot's {@code db} indicator; group members are validated at start). */
    @Test
    void readinessIsMadeOfTheDatabaseAndTheWorkers() {
        var readiness = groups.get("readiness");
        assertThat(readiness.isMember("db")).isTrue();
        assertThat(readiness.isMember("workers")).isTrue();
        assertThat(readiness.isMember("readinessState")).isTrue();
        assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
        assertThat(groups.get("liveness").isMember("db")).isFalse(); // a database outage is not a reason to restart
    }

    private List<String> owners(String jobId) {
        return jdbc.sql("SELECT DISTINCT data->>'owner' FROM job_events WHERE job_id = ?::uuid AND type = 'CLAIMED'")
                .param(jobId).query(String.class).list();
    }

    private long lastEventId(String jobId) {
        return jdbc.sql("SELECT max(id) FROM job_events WHERE job_id = ?::uuid").param(jobId).query(Long.class).single();
    }

    private long claimedEventId(String jobId) {
        return jdbc.sql("SELECT min(id) FROM job_events WHERE job_id = ?::uuid AND type = 'CLAIMED'").param(jobId)
                .query(Long.class).single();
    }

    private static boolean isFinished(Http api, String id) {
        String s = api.get("/v1/jobs/" + id).json().get("status").stringValue();
        return !s.equals("QUEUED") && !s.equals("RUNNING");
    }

    private static Thread workerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("qforge-worker-0") && t.isAlive()).findFirst().orElse(null);
    }

    private Http.Res readiness() {
        return new Http(port, null).get("/actuator/health/readiness");
    }

    private Http.Res liveness() {
        return new Http(port, null).get("/actuator/health/liveness");
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + timeout);
            Thread.sleep(50);
        }
    }
}
