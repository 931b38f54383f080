package io.qforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.export.OrtRunner;
import io.qforge.support.Http;
import io.qforge.support.TestDatabase;
import io.qforge.tenants.TenantStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole service as a user sees it, with the real engine and a background worker: upload a
 * PyTorch-exported model and a dataset over HTTP, run a short QAT job to SUCCEEDED, download the
 * INT8 ONNX file, check its SHA-256, run it in ONNX Runtime and find the accuracy the report states.
 * The worker listens on a queue of its own so it never picks up other tests' jobs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qforge.workers.count=1",
        "qforge.workers.poll-interval=200ms",
        "qforge.workers.queue=e2e",
        "qforge.bootstrap.create-key-when-empty=false"})
class EndToEndTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantStore tenants;

    @Test
    void uploadTrainDownloadAndVerifyInOnnxRuntime() throws Exception {
        Http api = new Http(port, tenants.createTenant("e2e-" + UUID.randomUUID()).secret());
        String model = api.upload("/v1/models", "lenet_bn.onnx", Files.readAllBytes(FIXTURES.resolve("lenet_bn.onnx")))
                .json().get("id").stringValue();
        String data = api.upload("/v1/datasets", "digits.npz", Files.readAllBytes(FIXTURES.resolve("digits.npz")))
                .json().get("id").stringValue();
        Http.Res submitted = api.postJson("/v1/jobs", "{\"modelId\":\"" + model + "\",\"datasetId\":\"" + data
                + "\",\"spec\":{\"epochs\":1,\"batchSize\":32,\"learningRate\":0.0001}}");
        assertThat(submitted.status()).isEqualTo(202);
        String job = submitted.json().get("id").stringValue();

        JsonNode status = api.get("/v1/jobs/" + job).json();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (!isFinal(status.get("status").stringValue()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            status = api.get("/v1/jobs/" + job).json();
        }
        assertThat(status.get("status").stringValue()).as(status.toString()).isEqualTo("SUCCEEDED");

        JsonNode report = api.get("/v1/jobs/" + job + "/report").json();
        double reportedOrt = report.get("qatOrt").get("accuracy").doubleValue();
        assertThat(report.get("fp32").get("accuracy").doubleValue()).isGreaterThan(0.95);
        assertThat(report.get("ortUsesIntegerKernels").booleanValue()).isTrue();
        assertThat(report.get("integerMacShare").doubleValue()).isEqualTo(1.0);
        assertThat(report.get("floatIslands").isArray() && report.get("floatIslands").isEmpty()).isTrue();
        JsonNode latency = report.get("latency").get("points");
        assertThat(latency.size()).isEqualTo(2);
        assertThat(latency.get(1).get("batch").intValue()).isEqualTo(32);
        assertThat(latency.get(1).get("int8Ms").doubleValue()).isPositive();
        assertThat(latency.get(1).get("fp32Ms").doubleValue()).isPositive();

        JsonNode artifact = null;
        for (JsonNode a : api.get("/v1/jobs/" + job + "/artifacts").json()) {
            if (a.get("name").stringValue().equals("model.int8.onnx")) {
                artifact = a;
            }
        }
        assertThat(artifact).isNotNull();
        Http.Res download = api.get(artifact.get("href").stringValue());
        assertThat(download.status()).isEqualTo(200);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body()));
        assertThat(sha).isEqualTo(artifact.get("sha256").stringValue());
        assertThat(download.header("ETag")).isEqualTo("\"" + sha + "\"");

        Dataset digits = NpzReader.read(FIXTURES.resolve("digits.npz"));
        try (OrtRunner ort = new OrtRunner(download.body())) {
            INDArray pred = Nd4j.argMax(ort.run(digits.xTest()), 1);
            int correct = 0;
            for (int i = 0; i < digits.testSize(); i++) {
                correct += pred.getInt(i) == digits.yTest()[i] ? 1 : 0;
            }
            assertThat((double) correct / digits.testSize()).isEqualTo(reportedOrt);
        }
    }

    private static boolean isFinal(String s) {
        return s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CANCELLED");
    }
}
