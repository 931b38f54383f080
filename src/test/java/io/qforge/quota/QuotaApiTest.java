package io.qforge.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import io.qforge.support.Http;
import io.qforge.support.RawHttp;
import io.qforge.support.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.unit.DataSize;

/** Per-tenant quotas: stored bytes, jobs queued or running, live event streams. */
class QuotaApiTest extends ServiceTest {
    @Autowired
    QforgeProperties props;

    private final QforgeProperties.Quotas defaults = new QforgeProperties.Quotas();

    @AfterEach
    void restore() {
        props.getQuotas().setStoredBytes(defaults.getStoredBytes());
        props.getQuotas().setActiveJobs(defaults.getActiveJobs());
        props.getQuotas().setEventStreams(defaults.getEventStreams());
    }

    @Test
    void anUploadPastTheStorageQuotaIs413NamingTheQuota() throws Exception {
        byte[] digits = fixture("digits.npz");
        byte[] model = fixture("lenet_bn.onnx");
        props.getQuotas().setStoredBytes(DataSize.ofBytes(digits.length + model.length + 1000));
        var api = newTenant();
        String data = api.upload("/v1/datasets", "digits.npz", digits).json().get("id").stringValue();
        assertThat(api.upload("/v1/models", "lenet_bn.onnx", model).status()).isEqualTo(201);

        // Content-Length known: refused before the body is read
        var second = api.upload("/v1/datasets", "again.npz", digits);
        assertThat(second.status()).as(second.text()).isEqualTo(413);
        assertThat(second.header("Content-Type")).startsWith("application/problem+json");
        assertThat(second.json().get("type").stringValue()).endsWith("/storage-quota");
        assertThat(second.json().get("detail").stringValue()).contains("qforge.quotas.stored-bytes");

        // no Content-Length: reading stops at the remaining room
        var tenantKey = tenants.createTenant("t-" + UUID.randomUUID()).secret();
        props.getQuotas().setStoredBytes(DataSize.ofBytes(1000));
        try (var raw = new RawHttp(port)) {
            raw.send("POST /v1/datasets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + tenantKey
                    + "\r\nContent-Type: multipart/form-data; boundary=q\r\nTransfer-Encoding: chunked\r\n\r\n");
            raw.chunk(("--q\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.npz\"\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            raw.chunk(digits).chunk("\r\n--q--\r\n".getBytes(StandardCharsets.UTF_8)).send("0\r\n\r\n");
            var res = raw.read(Duration.ofSeconds(20));
            assertThat(res.status()).as(res.body()).isEqualTo(413);
            assertThat(Http.JSON.readTree(res.body()).get("type").stringValue()).endsWith("/storage-quota");
        }

        // deleting makes room again
        props.getQuotas().setStoredBytes(DataSize.ofBytes(digits.length + model.length + 1000));
        assertThat(api.delete("/v1/datasets/" + data).status()).isEqualTo(204);
        assertThat(api.upload("/v1/datasets", "again.npz", digits).status()).isEqualTo(201);
    }

    @Test
    void jobsPastTheActiveJobQuotaAre429WithRetryAfter() {
        props.getQuotas().setActiveJobs(2);
        var api = newTenant();
        var ids = lenetAndDigits(api);
        var queued = new ArrayList<String>();
        for (int i = 0; i < 2; i++) {
            var res = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\":1,\"seed\":" + i + "}"));
            assertThat(res.status()).as(res.text()).isEqualTo(202);
            queued.add(res.json().get("id").stringValue());
        }
        var third = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\":1,\"seed\":9}"));
        assertThat(third.status()).as(third.text()).isEqualTo(429);
        assertThat(third.header("Content-Type")).startsWith("application/problem+json");
        assertThat(third.header("Retry-After")).isEqualTo(Long.toString(defaults.getRetryAfter().toSeconds()));
        assertThat(third.json().get("detail").stringValue()).contains("qforge.quotas.active-jobs");
        // another tenant is not affected
        var other = newTenant();
        var otherIds = lenetAndDigits(other);
        assertThat(other.postJson("/v1/jobs", jobBody(otherIds[0], otherIds[1], "{}")).status()).isEqualTo(202);
        // a finished (cancelled) job frees its place
        assertThat(api.delete("/v1/jobs/" + queued.get(0)).status()).isEqualTo(200);
        assertThat(api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\":1,\"seed\":9}")).status()).isEqualTo(202);
    }

    @Test
    void eventStreamsPastTheQuotaAre429AndAClosedStreamFreesItsSlot() throws Exception {
        props.getQuotas().setEventStreams(2);
        String key = tenants.createTenant("t-" + UUID.randomUUID()).secret();
        var api = new Http(port, key);
        var ids = lenetAndDigits(api);
        String job = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{}")).json().get("id").stringValue();
        var first = openStream(key, job);
        var second = openStream(key, job);
        assertThat(first.response().status()).isEqualTo(200);
        assertThat(second.response().status()).isEqualTo(200);

        var third = openStream(key, job);
        assertThat(third.response().status()).as(third.response().body()).isEqualTo(429);
        assertThat(third.response().header("Retry-After")).isNotNull();
        assertThat(third.response().header("Content-Type")).startsWith("application/problem+json");
        third.socket().close();

        first.socket().close();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Stream again = null;
        while (System.nanoTime() < deadline) {
            again = openStream(key, job);
            if (again.response().status() == 200) break;
            again.socket().close();
            Thread.sleep(500);
        }
        assertThat(again.response().status()).as("a slot is free again after a client closed its stream").isEqualTo(200);
        again.socket().close();
        second.socket().close();
    }

    private record Stream(RawHttp socket, RawHttp.Response response) {}

    private Stream openStream(String key, String job) throws Exception {
        var raw = new RawHttp(port);
        raw.send("GET /v1/jobs/" + job + "/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nAccept: text/event-stream\r\n\r\n");
        return new Stream(raw, raw.read(Duration.ofSeconds(10)));
    }
}
