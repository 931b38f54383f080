package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.ScriptedEngine;
import io.qforge.support.ServiceTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job run by a worker (scripted engine) seen over HTTP: progress, events (JSON and live SSE),
 * report, artifacts with ETag/Range, and cancelling a running job.
 */
class JobRunApiTest extends ServiceTest {

    @Test
    void aFinishedJobHasProgressEventsReportAndDownloadableArtifacts() throws Exception {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String id = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 3}")).json().get("id").stringValue();
        assertThat(api.get("/v1/jobs/" + id + "/report").status()).isEqualTo(404);

        // live stream opened before the job runs: receives everything, ends when the job ends
        var stream = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/v1/jobs/" + id + "/events")).header("Accept", "text/event-stream")
                        .header("Authorization", bearer(api)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(workers.runOnce(isolate(id), "w-flow")).isTrue();

        var job = api.get("/v1/jobs/" + id).json();
        assertThat(job.get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(job.get("percent").doubleValue()).isEqualTo(100.0);
        assertThat(job.get("epoch").intValue()).isEqualTo(3);
        assertThat(job.get("totalEpochs").intValue()).isEqualTo(3);
        assertThat(job.get("metrics").get("train_loss").doubleValue()).isEqualTo(1.0 / 3);
        assertThat(job.get("attempts").intValue()).isEqualTo(1);

        var types = new ArrayList<String>();
        for (JsonNode e : api.get("/v1/jobs/" + id + "/events").json()) types.add(e.get("type").stringValue());
        assertThat(types).containsExactly("SUBMITTED", "CLAIMED", "PHASE", "PHASE", "PHASE", "PHASE", "EPOCH", "EPOCH",
                "EPOCH", "PHASE", "PHASE", "PHASE", "SUCCEEDED");

        var sse = stream.get(20, TimeUnit.SECONDS);
        assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(sse.body()).contains("event:SUBMITTED").contains("event:EPOCH").contains("event:SUCCEEDED")
                .contains("\"TRAINING\"");

        var report = api.get("/v1/jobs/" + id + "/report");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.json().get("epochsTrained").toString()).isEqualTo("[1,2,3]");

        var artifacts = api.get("/v1/jobs/" + id + "/artifacts").json();
        assertThat(artifacts).hasSize(2);
        byte[] expected = ScriptedEngine.modelBytes(UUID.fromString(id));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
        JsonNode model = artifacts.get(1);
        assertThat(model.get("name").stringValue()).isEqualTo("model.int8.onnx");
        assertThat(model.get("sha256").stringValue()).isEqualTo(sha);

        String href = model.get("href").stringValue();
        var full = api.get(href);
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.body()).isEqualTo(expected);
        assertThat(full.header("ETag")).isEqualTo("\"" + sha + "\"");
        assertThat(full.header("Content-Length")).isEqualTo(Integer.toString(expected.length));
        assertThat(full.header("Content-Disposition")).isEqualTo("attachment; filename=\"model.int8.onnx\"");
        assertThat(full.header("Accept-Ranges")).isEqualTo("bytes");

        // a range across the 1 MiB chunk boundary of the blob store
        var part = api.get(href, "Range", "bytes=1048570-1048589");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 1048570-1048589/" + expected.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(expected, 1048570, 1048590));
        var tail = api.get(href, "Range", "bytes=-100");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(expected, expected.length - 100, expected.length));
        var open = api.get(href, "Range", "bytes=" + (expected.length - 5) + "-");
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(expected, expected.length - 5, expected.length));
        var outside = api.get(href, "Range", "bytes=" + expected.length + "-");
        assertThat(outside.status()).isEqualTo(416);
        assertThat(outside.header("Content-Range")).isEqualTo("bytes */" + expected.length);
        assertThat(api.get(href, "If-None-Match", "\"" + sha + "\"").status()).isEqualTo(304);
        var staleIfRange = api.get(href, "Range", "bytes=0-9", "If-Range", "\"other\"");
        assertThat(staleIfRange.status()).isEqualTo(200);
        assertThat(api.get("/v1/jobs/" + id + "/artifacts/nope.bin").status()).isEqualTo(404);
        // finished: no checkpoint kept
        assertThat(jdbc.sql("SELECT count(*) FROM job_checkpoints WHERE job_id = ?::uuid").param(id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aRunningJobIsCancelledAtItsNextStep() throws Exception {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String id = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 3}")).json().get("id").stringValue();
        var atStep = new CountDownLatch(1);
        var resume = new CountDownLatch(1);
        var stepsAfterCancel = new int[1];
        engine.hook(UUID.fromString(id), (epoch, step) -> {
            if (epoch == 2 && step == 2) {
                atStep.countDown();
                resume.await(20, TimeUnit.SECONDS);
            } else if (resume.getCount() == 0) {
                stepsAfterCancel[0]++;
            }
        });
        String queue = isolate(id);
        var worker = new Thread(() -> workers.runOnce(queue, "w-cancel"));
        worker.start();
        assertThat(atStep.await(20, TimeUnit.SECONDS)).isTrue();
        clock.advance(java.time.Duration.ofSeconds(10));
        var running = api.get("/v1/jobs/" + id).json();
        // progress written at epoch 2 step 1 of 4: 0.10 + 0.80 * (1 + 1/4) / 3; ETA = elapsed * (1 - p) / p
        double p = 0.10 + 0.80 * (1.25 / 3);
        assertThat(running.get("percent").doubleValue()).isEqualTo(Math.round(p * 1000) / 10.0);
        assertThat(running.get("etaSeconds").longValue()).isEqualTo(Math.round(10 * (1 - p) / p));
        assertThat(running.get("status").stringValue()).isEqualTo("RUNNING");
        assertThat(running.get("phase").stringValue()).isEqualTo("TRAINING");
        assertThat(running.get("epoch").intValue()).isEqualTo(2);

        var res = api.delete("/v1/jobs/" + id);
        assertThat(res.status()).isEqualTo(202);
        assertThat(res.json().get("cancelRequested").booleanValue()).isTrue();
        resume.countDown();
        worker.join(20_000);

        var job = api.get("/v1/jobs/" + id).json();
        assertThat(job.get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(stepsAfterCancel[0]).isZero(); // the step in progress was the last one
        assertThat(engine.epochsTrained(UUID.fromString(id))).containsExactly(1);
        assertThat(api.get("/v1/jobs/" + id + "/artifacts").json()).isEmpty();
        assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(409);
    }

    @Test
    void anEngineFailureFailsTheJobWithItsMessage() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String id = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 1}")).json().get("id").stringValue();
        engine.hook(UUID.fromString(id), (epoch, step) -> {
            throw new IllegalStateException("node 'conv1': weight tensor has NaN values");
        });
        workers.runOnce(isolate(id), "w-fail");
        var job = api.get("/v1/jobs/" + id).json();
        assertThat(job.get("status").stringValue()).isEqualTo("FAILED");
        assertThat(job.get("error").stringValue()).isEqualTo("node 'conv1': weight tensor has NaN values");
        assertThat(api.get("/v1/jobs/" + id + "/report").json().get("detail").stringValue()).contains("FAILED");
    }

    private static String bearer(Http api) throws Exception {
        var f = Http.class.getDeclaredField("token");
        f.setAccessible(true);
        return "Bearer " + f.get(api);
    }
}
