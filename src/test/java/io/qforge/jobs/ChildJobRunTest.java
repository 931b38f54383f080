package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.qforge.config.QforgeProperties;
import io.qforge.engine.job.WideMlp;
import io.qforge.engine.onnx.OnnxExporter;
import io.qforge.storage.BlobStore;
import io.qforge.storage.DatasetStore;
import io.qforge.storage.ModelStore;
import io.qforge.support.Http;
import io.qforge.support.Npz;
import io.qforge.support.ServiceTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs run by a worker whose engine is a child JVM per attempt (the real engine), seen over HTTP:
 * a job over the memory budget FAILS naming the setting and the same worker then runs the next
 * job to SUCCEEDED; a cancel during training ends the job CANCELLED; a shutdown puts the job back
 * in the queue. No child JVM is left after any of them.
 */
class ChildJobRunTest extends ServiceTest {
    @Autowired JobQueue queue;
    @Autowired JobEvents events;
    @Autowired Checkpoints checkpoints;
    @Autowired Artifacts artifacts;
    @Autowired BlobStore blobs;
    @Autowired ModelStore models;
    @Autowired DatasetStore datasets;
    @Autowired TransactionTemplate tx;
    @Autowired JsonMapper json;
    @Autowired QforgeProperties props;
    @Autowired MeterRegistry meters;
    @Autowired WorkDirs workDirs;

    /** A worker's runner with a child-JVM engine; the real clock paces its progress writes (cancel seen within 1 s). */
    private JobRunner runner(String budget, String heap) {
        var w = new QforgeProperties.Workers();
        if (budget != null) w.setMemoryBudget(DataSize.parse(budget));
        if (heap != null) w.setChildHeap(DataSize.parse(heap));
        w.setKillGrace(Duration.ofSeconds(2));
        var engine = new ChildJobEngine(json, props.getUploads().datasetLimits(), Duration.ofHours(1), ChildSettings.of(w));
        return new JobRunner(engine, queue, events, checkpoints, artifacts, blobs, models, datasets, tx, json,
                Clock.systemUTC(), props, meters, workDirs);
    }

    @AfterEach
    void noChildLeft() {
        assertThat(ChildJobEngineTest.children()).isEmpty();
    }

    private JobQueue.Claim claim(String queueName) {
        return queue.claim(queueName, "w-child", Duration.ofSeconds(60)).orElseThrow();
    }

    @Test
    void aJobOverTheMemoryBudgetFailsAndTheSameWorkerRunsTheNextJob() throws Exception {
        var api = newTenant();
        int train = 16384;
        long[] yTrain = new long[train];
        long[] yTest = new long[128];
        for (int i = 0; i < train; i++) yTrain[i] = i % 2;
        for (int i = 0; i < yTest.length; i++) yTest[i] = i % 2;
        String model = api.upload("/v1/models", "wide.onnx", OnnxExporter.toBytes(WideMlp.graph(8, 16384, 2)))
                .json().get("id").stringValue();
        String data = api.upload("/v1/datasets", "wide.npz", new Npz().floats("x_train", new long[] {train, 8})
                .labels("y_train", yTrain).floats("x_test", new long[] {128, 8}).labels("y_test", yTest).bytes())
                .json().get("id").stringValue();
        // batch 16384 x 16384 floats = 1 GiB for one layer output alone, several at once: past the 1 GiB budget as
        // soon as the job calibrates (caught by the watcher's VmHWM sample or by JavaCPP's limit in the child); at
        // batch 64 (4 MiB per output) the job peaks at ~0.3-0.4 GiB (model 0.7 MB)
        String big = api.postJson("/v1/jobs", jobBody(model, data, "{\"epochs\":0,\"batchSize\":16384,\"calibrationBatches\":1}"))
                .json().get("id").stringValue();
        String small = api.postJson("/v1/jobs", jobBody(model, data, "{\"epochs\":0,\"batchSize\":64,\"calibrationBatches\":1}"))
                .json().get("id").stringValue();
        String q = isolate(big);
        var worker = runner("1GB", "256MB");

        assertThat(worker.run(claim(q), () -> false)).isEqualTo(JobStatus.FAILED);
        // the small job joins the queue only now: both were created at the same (test clock) instant, so the
        // claim order between them would be arbitrary
        jdbc.sql("UPDATE jobs SET queue = ? WHERE id = ?::uuid").params(q, small).update();
        JsonNode failed = api.get("/v1/jobs/" + big).json();
        assertThat(failed.get("status").stringValue()).isEqualTo("FAILED");
        assertThat(failed.get("error").stringValue()).contains("qforge.workers.memory-budget").contains("1 GiB")
                .contains("spec.batchSize");

        assertThat(worker.run(claim(q), () -> false)).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(api.get("/v1/jobs/" + small).json().get("status").stringValue()).isEqualTo("SUCCEEDED");
        JsonNode resources = api.get("/v1/jobs/" + small + "/report").json().get("resources");
        assertThat(resources.get("childJvm").booleanValue()).isTrue();
        assertThat(resources.get("peakRssBytes").longValue()).isBetween(50L << 20, 1L << 30);
    }

    /** Starts the job's worker thread and waits until the job trains. */
    private Thread runUntilTraining(Http api, String id, JobRunner worker, AtomicBoolean shuttingDown,
            AtomicReference<JobStatus> left) throws InterruptedException {
        var claim = claim(isolate(id));
        var t = new Thread(() -> left.set(worker.run(claim, shuttingDown::get)));
        t.start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = api.get("/v1/jobs/" + id).json();
            if ("TRAINING".equals(job.path("phase").stringValue()) && job.path("step").isInt()) return t;
            assertThat(job.get("status").stringValue()).isEqualTo("RUNNING");
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not reach TRAINING");
    }

    /** A job of many short steps (mlp.onnx, breast_cancer.npz, 200 epochs of 57 steps): it trains long enough to be stopped. */
    private String mlpJob(Http api) {
        String model = api.upload("/v1/models", "mlp.onnx", fixture("mlp.onnx")).json().get("id").stringValue();
        String data = api.upload("/v1/datasets", "breast_cancer.npz", fixture("breast_cancer.npz")).json().get("id").stringValue();
        return api.postJson("/v1/jobs", jobBody(model, data, "{\"epochs\":200,\"batchSize\":8}")).json().get("id").stringValue();
    }

    @Test
    void aCancelDuringTrainingEndsTheChildAndTheJob() throws Exception {
        var api = newTenant();
        String id = mlpJob(api);
        var left = new AtomicReference<JobStatus>();
        Thread worker = runUntilTraining(api, id, runner(null, null), new AtomicBoolean(), left);
        assertThat(ChildJobEngineTest.children()).hasSize(1);
        assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(202);
        worker.join(60_000);
        assertThat(left.get()).isEqualTo(JobStatus.CANCELLED);
        assertThat(api.get("/v1/jobs/" + id).json().get("status").stringValue()).isEqualTo("CANCELLED");
    }

    @Test
    void aShutdownReleasesTheJobAndEndsTheChild() throws Exception {
        var api = newTenant();
        String id = mlpJob(api);
        var left = new AtomicReference<JobStatus>();
        var shuttingDown = new AtomicBoolean();
        Thread worker = runUntilTraining(api, id, runner(null, null), shuttingDown, left);
        shuttingDown.set(true);
        worker.join(60_000);
        assertThat(left.get()).isEqualTo(JobStatus.QUEUED);
        assertThat(api.get("/v1/jobs/" + id).json().get("status").stringValue()).isEqualTo("QUEUED");
        var types = new ArrayList<String>();
        for (JsonNode e : api.get("/v1/jobs/" + id + "/events").json()) types.add(e.get("type").stringValue());
        assertThat(types).endsWith("RELEASED");
        assertThat(api.delete("/v1/jobs/" + id).status()).isEqualTo(200); // leave nothing queued behind
    }
}
