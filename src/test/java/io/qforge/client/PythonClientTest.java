package io.qforge.client;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The Python CLI ({@code clients/python}, installed in a venv by {@link PythonVenv}) against the
 * running service with the real engine and a background worker, as a user runs it with
 * {@code QFORGE_URL} and {@code QFORGE_API_KEY}: upload, quantize (follow, report, download with
 * SHA-256 check), jobs, report, cancel, Ctrl-C, and errors. The worker has a queue of its own, and
 * the context is closed after this class so its worker stops.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qforge.workers.count=1",
        "qforge.workers.poll-interval=200ms",
        "qforge.workers.queue=python-client",
        "qforge.bootstrap.create-key-when-empty=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PythonClientTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath();
    private static final Pattern JOB_LINE = Pattern.compile("job ([0-9a-f-]{36}) QUEUED");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantStore tenants;

    PythonVenv venv;
    Http api;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        venv = PythonVenv.get();
        String key = tenants.createTenant("py-" + UUID.randomUUID()).secret();
        api = new Http(port, key);
        env = Map.of("QFORGE_URL", "http://localhost:" + port, "QFORGE_API_KEY", key);
    }

    @Test
    void uploadQuantizeDownloadAndReport() throws Exception {
        var model = venv.qforge(env, "upload-model", FIXTURES.resolve("lenet_bn.onnx").toString());
        assertThat(model.exit()).as(model.toString()).isZero();
        String modelId = model.stdout().strip();
        assertThat(api.get("/v1/models/" + modelId).json().get("name").stringValue()).isEqualTo("lenet_bn.onnx");
        var data = venv.qforge(env, "upload-dataset", FIXTURES.resolve("digits.npz").toString(), "--name", "digits");
        assertThat(data.exit()).as(data.toString()).isZero();
        String dataId = data.stdout().strip();
        assertThat(api.get("/v1/datasets/" + dataId).json().get("name").stringValue()).isEqualTo("digits");

        Path out = Files.createTempDirectory(Path.of("target"), "py-quantize").resolve("lenet.int8.onnx").toAbsolutePath();
        var q = venv.qforge(env, "quantize", modelId, dataId, "--epochs", "1", "--batch-size", "32",
                "--observer", "min_max", "-o", out.toString());
        assertThat(q.exit()).as(q.toString()).isZero();
        var m = JOB_LINE.matcher(q.stderr());
        assertThat(m.find()).as(q.stderr()).isTrue();
        String job = m.group(1);

        JsonNode status = api.get("/v1/jobs/" + job).json();
        assertThat(status.get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(status.get("spec").get("observer").stringValue()).isEqualTo("MIN_MAX");
        assertThat(status.get("spec").get("batchSize").intValue()).isEqualTo(32);
        // followed the event stream (phases, the epoch with its metrics) and drew progress
        assertThat(q.stderr()).contains("phase TRAINING", "epoch 1/1: ", "test_accuracy", "100.0% SUCCEEDED",
                "matches the service's");

        // the file it wrote is the artifact the API lists, byte for byte, and runs in ONNX Runtime
        JsonNode artifact = null;
        for (JsonNode a : api.get("/v1/jobs/" + job + "/artifacts").json()) {
            if (a.get("name").stringValue().equals("model.int8.onnx")) artifact = a;
        }
        assertThat(artifact).isNotNull();
        byte[] bytes = Files.readAllBytes(out);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(artifact.get("sha256").stringValue());
        assertThat(Files.list(out.getParent()).toList()).containsExactly(out); // no .part left

        JsonNode report = api.get("/v1/jobs/" + job + "/report").json();
        double ortAccuracy = report.get("qatOrt").get("accuracy").doubleValue();
        Dataset digits = NpzReader.read(FIXTURES.resolve("digits.npz"));
        try (OrtRunner ort = new OrtRunner(bytes)) {
            INDArray pred = Nd4j.argMax(ort.run(digits.xTest()), 1);
            int correct = 0;
            for (int i = 0; i < digits.testSize(); i++) correct += pred.getInt(i) == digits.yTest()[i] ? 1 : 0;
            assertThat((double) correct / digits.testSize()).isEqualTo(ortAccuracy);
        }
        // the accuracy table on stdout holds the report's numbers
        assertThat(q.stdout()).contains("QAT, ONNX Runtime", pct(ortAccuracy), "FP32 (uploaded model)",
                pct(report.get("fp32").get("accuracy").doubleValue()), "PTQ, INT8 engine",
                pct(report.get("ptqInt8").get("accuracy").doubleValue()));

        var r = venv.qforge(env, "report", job);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(q.stdout());
        var json = venv.qforge(env, "--json", "report", job);
        assertThat(Http.JSON.readTree(json.stdout())).isEqualTo(report);

        var jobs = venv.qforge(env, "jobs");
        assertThat(jobs.exit()).as(jobs.toString()).isZero();
        assertThat(jobs.stdout()).containsPattern(job + " +SUCCEEDED +EXPORTING +100\\.0");

        var again = venv.qforge(env, "download", job, "encodings.json", "-o", out.resolveSibling("enc.json").toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(Files.readString(out.resolveSibling("enc.json"))).startsWith("{");
    }

    @Test
    void libraryQuantizesInThreeLines() throws Exception {
        Path out = Files.createTempDirectory(Path.of("target"), "py-library").resolve("m.int8.onnx").toAbsolutePath();
        String script = String.join("\n",
                "import json, sys",
                "from qforge import Client",
                "c = Client()",
                "report = c.quantize(sys.argv[1], sys.argv[2], weight_bits=8, epochs=1, batch_size=32, output=sys.argv[3])",
                "print(json.dumps(report))");
        var r = PythonVenv.run(List.of(venv.python.toString(), "-c", script, FIXTURES.resolve("lenet_bn.onnx").toString(),
                FIXTURES.resolve("digits.npz").toString(), out.toString()), env, Duration.ofMinutes(10));
        assertThat(r.exit()).as(r.toString()).isZero();

        JsonNode page = api.get("/v1/jobs").json();
        assertThat(page.get("total").intValue()).isEqualTo(1);
        JsonNode job = page.get("items").get(0);
        assertThat(job.get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(job.get("spec").get("epochs").intValue()).isEqualTo(1);
        String id = job.get("id").stringValue();
        assertThat(Http.JSON.readTree(r.stdout())).isEqualTo(api.get("/v1/jobs/" + id + "/report").json());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)));
        assertThat(api.get("/v1/jobs/" + id + "/artifacts/model.int8.onnx").header("ETag")).isEqualTo("\"" + sha + "\"");
    }

    @Test
    void cancelsASecondJob() throws Exception {
        String[] ids = uploadBoth();
        var submitted = venv.qforge(env, "quantize", ids[0], ids[1], "--epochs", "200", "--detach");
        assertThat(submitted.exit()).as(submitted.toString()).isZero();
        String job = submitted.stdout().strip();
        assertThat(api.get("/v1/jobs/" + job).json().get("spec").get("epochs").intValue()).isEqualTo(200);

        var cancel = venv.qforge(env, "cancel", job);
        assertThat(cancel.exit()).as(cancel.toString()).isZero();
        assertThat(cancel.stdout()).containsPattern("job " + job + " (CANCELLED|RUNNING: cancel requested)");
        assertThat(finalStatus(job)).isEqualTo("CANCELLED");

        var twice = venv.qforge(env, "cancel", job);
        assertThat(twice.exit()).isEqualTo(1);
        String detail = api.delete("/v1/jobs/" + job).json().get("detail").stringValue();
        assertThat(twice.stderr()).contains("HTTP 409", detail);
    }

    @Test
    void ctrlCDuringQuantizeCancelsTheJob() throws Exception {
        String[] ids = uploadBoth();
        Path dir = Files.createTempDirectory(Path.of("target"), "py-ctrlc");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = venv.start(env, out, err, "quantize", ids[0], ids[1], "--epochs", "200", "--batch-size", "16");
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (!Files.readString(err).contains("phase TRAINING") && p.isAlive() && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(err)).as("the job reached TRAINING").contains("phase TRAINING");
            var kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
            assertThat(kill.waitFor()).isZero();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            String stderr = Files.readString(err);
            var m = JOB_LINE.matcher(stderr);
            assertThat(m.find()).as(stderr).isTrue();
            String job = m.group(1);
            assertThat(p.exitValue()).as(stderr).isEqualTo(130);
            assertThat(stderr).contains("interrupted: cancelling job " + job, "job " + job + " CANCELLED");
            assertThat(api.get("/v1/jobs/" + job).json().get("status").stringValue()).isEqualTo("CANCELLED");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void errorsPrintTheProblemDetailAndExitNonZero() throws Exception {
        var badKey = venv.qforge(Map.of("QFORGE_URL", env.get("QFORGE_URL"), "QFORGE_API_KEY", "qf_not-a-key"), "jobs");
        assertThat(badKey.exit()).isEqualTo(1);
        String unauthorized = api.as("qf_not-a-key").unchecked().get("/v1/jobs").json().get("detail").stringValue();
        assertThat(badKey.stderr()).contains("HTTP 401", unauthorized);
        assertThat(badKey.stdout()).isEmpty();

        var noKey = venv.qforge(Map.of("QFORGE_URL", env.get("QFORGE_URL")), "jobs");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.stderr()).contains("QFORGE_API_KEY");

        String[] ids = uploadBoth();
        var invalid = venv.qforge(env, "quantize", ids[0], ids[1], "--weight-bits", "9", "--momentum", "1");
        assertThat(invalid.exit()).as(invalid.toString()).isEqualTo(1);
        JsonNode problem = api.unchecked().postJson("/v1/jobs", "{\"modelId\":\"" + ids[0] + "\",\"datasetId\":\"" + ids[1]
                + "\",\"spec\":{\"weightBits\":9,\"momentum\":1}}").json();
        assertThat(invalid.stderr()).contains(problem.get("detail").stringValue());
        assertThat(problem.get("errors").size()).isEqualTo(2);
        for (JsonNode e : problem.get("errors")) {
            assertThat(invalid.stderr()).contains(e.get("field").stringValue() + ": " + e.get("message").stringValue());
        }
        assertThat(api.get("/v1/jobs").json().get("total").intValue()).as("nothing was queued").isZero();

        var missing = venv.qforge(env, "report", UUID.randomUUID().toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr()).contains("HTTP 404");
    }

    private String[] uploadBoth() throws Exception {
        var model = venv.qforge(env, "upload-model", FIXTURES.resolve("lenet_bn.onnx").toString());
        var data = venv.qforge(env, "upload-dataset", FIXTURES.resolve("digits.npz").toString());
        assertThat(model.exit()).as(model.toString()).isZero();
        assertThat(data.exit()).as(data.toString()).isZero();
        return new String[] {model.stdout().strip(), data.stdout().strip()};
    }

    private String finalStatus(String job) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        String status = api.get("/v1/jobs/" + job).json().get("status").stringValue();
        while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            status = api.get("/v1/jobs/" + job).json().get("status").stringValue();
        }
        return status;
    }

    private static String pct(double accuracy) {
        return String.format(Locale.ROOT, "%.2f %%", accuracy * 100);
    }
}
