package io.qforge.support;

import io.qforge.tenants.TenantStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every Spring test: the whole service on a random port over the one test PostgreSQL,
 * with identical settings so all tests share one application context. No background workers or
 * reaper: tests drive them by hand. Each test makes its own tenant, so tests do not see each
 * other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qforge.workers.count=0",
        "qforge.workers.reaper-interval=0",
        "qforge.workers.heartbeat-interval=1h",
        "qforge.workers.lease-duration=60s",
        "qforge.workers.max-attempts=3",
        "qforge.bootstrap.admin-token=test-admin-token",
        "qforge.uploads.max-model-size=1MB",
        "qforge.uploads.max-dataset-size=2MB",
        "qforge.uploads.max-inflated-bytes=64MB"})
@Import(TestPorts.class)
public abstract class ServiceTest {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected TenantStore tenants;
    @Autowired
    protected MutableClock clock;
    @Autowired
    protected ScriptedEngine engine;
    @Autowired
    protected JdbcClient jdbc;

    /** A client for a brand-new tenant. */
    protected Http newTenant() {
        var key = tenants.createTenant("t-" + UUID.randomUUID());
        return new Http(port, key.secret());
    }

    @Autowired
    protected io.qforge.jobs.WorkerPool workers;

    /** Moves a job to a queue of its own, so a hand-driven worker claims exactly it. */
    protected String isolate(String jobId) {
        String queue = "q-" + UUID.randomUUID();
        jdbc.sql("UPDATE jobs SET queue = ? WHERE id = ?::uuid").params(queue, jobId).update();
        return queue;
    }

    /** Uploads lenet_bn.onnx and digits.npz; returns {modelId, datasetId}. */
    protected String[] lenetAndDigits(Http api) {
        String model = api.upload("/v1/models", "lenet_bn.onnx", fixture("lenet_bn.onnx")).json().get("id").stringValue();
        String data = api.upload("/v1/datasets", "digits.npz", fixture("digits.npz")).json().get("id").stringValue();
        return new String[] {model, data};
    }

    protected static String jobBody(String modelId, String datasetId, String spec) {
        return "{\"modelId\":\"" + modelId + "\",\"datasetId\":\"" + datasetId + "\",\"spec\":" + spec + "}";
    }

    protected static byte[] fixture(String name) {
        try (var in = ServiceTest.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
