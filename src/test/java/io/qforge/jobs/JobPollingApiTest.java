package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.ServiceTest;
import org.junit.jupiter.api.Test;

/** Cheap polls: {@code GET /v1/jobs/{id}} carries an ETag and answers 304 to it while the job is unchanged. */
class JobPollingApiTest extends ServiceTest {

    @Test
    void getJobAnswers304ToItsETagUntilTheJobChanges() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String id = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 2}")).json().get("id").stringValue();

        var first = api.get("/v1/jobs/" + id);
        assertThat(first.status()).isEqualTo(200);
        String etag = first.header("ETag");
        assertThat(etag).isNotNull().startsWith("W/\"");
        assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(api.get("/v1/jobs/" + id).header("ETag")).isEqualTo(etag); // same state, same tag

        var unchanged = api.get("/v1/jobs/" + id, "If-None-Match", etag);
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.header("ETag")).isEqualTo(etag);
        assertThat(api.get("/v1/jobs/" + id, "If-None-Match", "W/\"other\", " + etag).status()).isEqualTo(304);
        assertThat(api.get("/v1/jobs/" + id, "If-None-Match", "W/\"other\"").status()).isEqualTo(200);
        // another tenant learns nothing from a tag: 404 as always
        assertThat(newTenant().get("/v1/jobs/" + id, "If-None-Match", etag).status()).isEqualTo(404);

        // progress written by another instance's worker (straight to the row) changes the tag: the old one gets
        // the new state once this instance's poll cache (qforge.polling.job-cache-ttl, 500 ms) has expired
        jdbc.sql("UPDATE jobs SET progress = 0.5, updated_at = now() WHERE id = ?::uuid").param(id).update();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        var progressed = api.get("/v1/jobs/" + id, "If-None-Match", etag);
        while (progressed.status() == 304 && System.nanoTime() < deadline) {
            sleep(50);
            progressed = api.get("/v1/jobs/" + id, "If-None-Match", etag);
        }
        assertThat(progressed.status()).isEqualTo(200);
        assertThat(progressed.json().get("percent").doubleValue()).isEqualTo(50.0);
        String etag2 = progressed.header("ETag");
        assertThat(etag2).isNotEqualTo(etag);

        // a change made through this instance is seen by the very next poll (the write evicts the cached row)
        assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(200);
        var cancelled = api.get("/v1/jobs/" + id, "If-None-Match", etag2);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(api.get("/v1/jobs/" + id, "If-None-Match", cancelled.header("ETag")).status()).isEqualTo(304);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
