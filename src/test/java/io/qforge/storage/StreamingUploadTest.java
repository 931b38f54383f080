package io.qforge.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.qforge.config.QforgeProperties;
import io.qforge.support.Http;
import io.qforge.support.RawHttp;
import io.qforge.support.ServiceTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * Hostile uploads over a raw socket: a streamed body past the limit, a lying Content-Length,
 * part-count and boundary errors, path-like filenames, trickled and stalled bodies. The test
 * service's model limit is 1 MB ({@link ServiceTest}).
 */
class StreamingUploadTest extends ServiceTest {
    private static final long MODEL_LIMIT = 1024 * 1024;

    @Autowired
    MeterRegistry meters;
    @Autowired
    QforgeProperties props;
    @Autowired
    WebServerApplicationContext server;

    private String key() {
        return tenants.createTenant("t-" + UUID.randomUUID()).secret();
    }

    private static String headers(String key, String path, String contentType, String length) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key + "\r\nContent-Type: "
                + contentType + "\r\n" + length + "\r\n";
    }

    private static byte[] filePartHead(String boundary, String filename) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] multipart(String boundary, Object... parts) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i += 2) {
            String head = (String) parts[i];
            out.writeBytes(("--" + boundary + "\r\n" + head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(parts[i + 1] instanceof byte[] b ? b : ((String) parts[i + 1]).getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private RawHttp.Response post(String key, String path, String contentType, byte[] body) throws IOException {
        try (var raw = new RawHttp(port)) {
            raw.send(headers(key, path, contentType, "Content-Length: " + body.length + "\r\n")).send(body);
            return raw.read(Duration.ofSeconds(30));
        }
    }

    private DistributionSummary refusedModelBodies() {
        return meters.get("qforge.upload.request.bytes").tag("kind", "model").tag("outcome", "refused").summary();
    }

    @Test
    void aStreamedUploadPastTheLimitIsReadOnlyToTheLimit() throws Exception {
        var summary = refusedModelBodies();
        long countBefore = summary.count();
        double bytesBefore = summary.totalAmount();
        var written = new AtomicLong();
        RawHttp.Response res;
        try (var raw = new RawHttp(port)) {
            raw.send(headers(key(), "/v1/models", "multipart/form-data; boundary=b0", "Transfer-Encoding: chunked\r\n"));
            raw.chunk(filePartHead("b0", "big.onnx"));
            var writer = new Thread(() -> {
                byte[] block = new byte[64 * 1024];
                Arrays.fill(block, (byte) 7);
                try {
                    for (int i = 0; i < 1024; i++) { // 64 MiB, never finished
                        raw.chunk(block);
                        written.addAndGet(block.length);
                    }
                } catch (IOException serverClosed) {
                    // expected: the server stopped reading
                }
            });
            writer.start();
            res = raw.read(Duration.ofSeconds(30));
            writer.join(30_000);
        }
        assertThat(res.status()).as(res.body()).isEqualTo(413);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.body()).contains("1048576").contains("model").contains("qforge.uploads.max-model-size");
        // the server read the limit plus at most one 64 KiB spool buffer and the parser's read-ahead
        assertThat(summary.count()).isEqualTo(countBefore + 1);
        double read = summary.totalAmount() - bytesBefore;
        System.out.printf("measured: limit %d, server read %.0f bytes of the body, client wrote %d bytes before the 413%n",
                MODEL_LIMIT, read, written.get());
        assertThat(read).isGreaterThan(MODEL_LIMIT).isLessThanOrEqualTo(MODEL_LIMIT + 2 * 64 * 1024);
        assertThat(written.get()).isLessThan(64L << 20);
    }

    @Test
    void aLyingContentLengthIsRefusedBeforeReadingWithTheRealLimit() throws Exception {
        try (var raw = new RawHttp(port)) {
            raw.send(headers(key(), "/v1/models", "multipart/form-data; boundary=b0", "Content-Length: 10737418240\r\n"));
            raw.send(filePartHead("b0", "huge.onnx"));
            var res = raw.read(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.body()).isEqualTo(413);
            assertThat(res.header("Content-Type")).startsWith("application/problem+json");
            var detail = Http.JSON.readTree(res.body()).get("detail").stringValue();
            assertThat(detail).contains("10737418240").contains("model limit of 1048576 bytes")
                    .contains("qforge.uploads.max-model-size").doesNotContain("-1");
        }
    }

    @Test
    void twoFilePartsAre400NamingThePart() throws Exception {
        byte[] body = multipart("b1",
                "Content-Disposition: form-data; name=\"file\"; filename=\"a.onnx\"", fixture("mlp.onnx"),
                "Content-Disposition: form-data; name=\"file\"; filename=\"b.onnx\"", fixture("mlp.onnx"));
        var res = post(key(), "/v1/models", "multipart/form-data; boundary=b1", body);
        assertThat(res.status()).as(res.body()).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Http.JSON.readTree(res.body()).get("detail").stringValue()).contains("more than one 'file' part");
    }

    @Test
    void noFilePartIs400() throws Exception {
        byte[] body = multipart("b2", "Content-Disposition: form-data; name=\"name\"", "only a name");
        var res = post(key(), "/v1/datasets", "multipart/form-data; boundary=b2", body);
        assertThat(res.status()).as(res.body()).isEqualTo(400);
        assertThat(Http.JSON.readTree(res.body()).get("detail").stringValue()).contains("no 'file' part");
    }

    @Test
    void multipartWithoutBoundaryIs400Not500() throws Exception {
        byte[] body = multipart("b3", "Content-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"", fixture("mlp.onnx"));
        var res = post(key(), "/v1/models", "multipart/form-data", body);
        assertThat(res.status()).as(res.body()).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Http.JSON.readTree(res.body()).get("detail").stringValue()).contains("boundary");
    }

    @Test
    void aTruncatedBodyIs400() throws Exception {
        try (var raw = new RawHttp(port)) {
            byte[] head = filePartHead("b4", "m.onnx");
            raw.send(headers(key(), "/v1/models", "multipart/form-data; boundary=b4", "Transfer-Encoding: chunked\r\n"));
            raw.chunk(head).chunk(fixture("mlp.onnx")).send("0\r\n\r\n"); // ends without the closing boundary
            var res = raw.read(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.body()).isEqualTo(400);
            assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void theStoredNameIsTheFilenamesLastSegmentWithoutControlCharacters() throws Exception {
        String key = key();
        byte[] body = multipart("b5", "Content-Disposition: form-data; name=\"file\"; filename=\"../../../../tmp/ev\u0007il\u202e.onnx\"",
                fixture("mlp.onnx"));
        var res = post(key, "/v1/models", "multipart/form-data; boundary=b5", body);
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        assertThat(Http.JSON.readTree(res.body()).get("name").stringValue()).isEqualTo("evil.onnx");

        byte[] windows = multipart("b6", "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\Users\\\\x\\\\..\\\\m.onnx\"",
                fixture("mlp.onnx"));
        var res2 = post(key, "/v1/models", "multipart/form-data; boundary=b6", windows);
        assertThat(Http.JSON.readTree(res2.body()).get("name").stringValue()).isEqualTo("m.onnx");

        byte[] onlyDots = multipart("b7", "Content-Disposition: form-data; name=\"file\"; filename=\"a/..\"", fixture("mlp.onnx"));
        var res3 = post(key, "/v1/models", "multipart/form-data; boundary=b7", onlyDots);
        assertThat(Http.JSON.readTree(res3.body()).get("name").stringValue()).isEqualTo("model.onnx");
    }

    @Test
    void theNameFieldIsCleanedAndBounded() throws Exception {
        String key = key();
        String longName = "n".repeat(5000) + "\u0000";
        byte[] body = multipart("b8",
                "Content-Disposition: form-data; name=\"file\"; filename=\"d.npz\"", fixture("breast_cancer.npz"),
                "Content-Disposition: form-data; name=\"name\"", longName);
        var res = post(key, "/v1/datasets", "multipart/form-data; boundary=b8", body);
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        assertThat(Http.JSON.readTree(res.body()).get("name").stringValue())
                .isEqualTo("n".repeat(props.getUploads().getMaxNameLength()));

        byte[] first = multipart("b9",
                "Content-Disposition: form-data; name=\"name\"", "  team\tA/../../etc/my model\r\u0085 ",
                "Content-Disposition: form-data; name=\"file\"; filename=\"d.npz\"", fixture("breast_cancer.npz"));
        var res2 = post(key, "/v1/datasets", "multipart/form-data; boundary=b9", first);
        assertThat(res2.status()).as(res2.body()).isEqualTo(201);
        assertThat(Http.JSON.readTree(res2.body()).get("name").stringValue()).isEqualTo("my model");
    }

    @Test
    void aTrickledUploadIsStoppedAtTheUploadTimeout() throws Exception {
        var before = props.getUploads().getUploadTimeout();
        props.getUploads().setUploadTimeout(Duration.ofSeconds(2));
        try (var raw = new RawHttp(port)) {
            raw.send(headers(key(), "/v1/models", "multipart/form-data; boundary=b0", "Transfer-Encoding: chunked\r\n"));
            raw.chunk(filePartHead("b0", "slow.onnx"));
            var trickler = new Thread(() -> {
                try {
                    for (int i = 0; i < 240; i++) { // one byte every 250 ms for up to a minute
                        raw.chunk(new byte[] {1});
                        Thread.sleep(250);
                    }
                } catch (IOException | InterruptedException stopped) {
                    // the server gave up on us
                }
            });
            trickler.setDaemon(true);
            long start = System.nanoTime();
            trickler.start();
            var res = raw.read(Duration.ofSeconds(20));
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            trickler.interrupt();
            System.out.println("measured: trickled upload (timeout 2 s) answered " + res.status() + " after ~" + seconds + " s");
            assertThat(seconds).isLessThan(10);
            if (res.status() != -1) { // a 408 problem, or just a closed connection
                assertThat(res.status()).as(res.body()).isEqualTo(408);
                assertThat(res.body()).contains("qforge.uploads.upload-timeout");
            }
        } finally {
            props.getUploads().setUploadTimeout(before);
        }
    }

    @Test
    void aStalledUploadIsCutOffByTheReadTimeout() throws Exception {
        var protocol = (AbstractHttp11Protocol<?>) ((TomcatWebServer) server.getWebServer()).getTomcat().getConnector()
                .getProtocolHandler();
        int configured = protocol.getConnectionTimeout();
        assertThat(configured).as("server.tomcat.connection-timeout").isEqualTo(20_000);
        protocol.setConnectionTimeout(1500); // applies to new connections; the configured 20 s would make a slow test
        try (var raw = new RawHttp(port)) {
            raw.send(headers(key(), "/v1/models", "multipart/form-data; boundary=b0", "Content-Length: 100000\r\n"));
            raw.send(filePartHead("b0", "stalled.onnx")).send(new byte[100]); // and then nothing
            long start = System.nanoTime();
            var res = raw.read(Duration.ofSeconds(20));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            System.out.println("measured: stalled upload (read timeout 1.5 s) answered " + res.status() + " after " + millis + " ms");
            assertThat(millis).isLessThan(10_000);
            if (res.status() != -1) {
                assertThat(res.status()).as(res.body()).isEqualTo(408);
            }
        } finally {
            protocol.setConnectionTimeout(configured);
        }
    }
}
