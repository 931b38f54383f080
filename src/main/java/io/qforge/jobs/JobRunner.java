package io.qforge.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qforge.config.QforgeProperties;
import io.qforge.jobs.JobQueue.Claim;
import io.qforge.storage.BlobStore;
import io.qforge.storage.DatasetStore;
import io.qforge.storage.ModelStore;
import io.qforge.storage.SpooledUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one claimed job: the single adapter between a queue row and the {@link JobEngine}.
 * Materializes the model and dataset, hands over the newest checkpoint, keeps the lease alive
 * (timer + every progress write), and ends the job: SUCCEEDED with report and artifacts stored in
 * the same transaction as the status change, CANCELLED, FAILED with the engine's message, back to
 * QUEUED on shutdown, or left alone when the lease was lost to another worker.
 */
@Component
public class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobEngine engine;
    private final JobQueue queue;
    private final JobEvents events;
    private final Checkpoints checkpoints;
    private final Artifacts artifacts;
    private final BlobStore blobs;
    private final ModelStore models;
    private final DatasetStore datasets;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final QforgeProperties props;
    private final MeterRegistry meters;
    private final WorkDirs workDirs;

    public JobRunner(JobEngine engine, JobQueue queue, JobEvents events, Checkpoints checkpoints, Artifacts artifacts,
            BlobStore blobs, ModelStore models, DatasetStore datasets, TransactionTemplate tx, JsonMapper json,
            Clock clock, QforgeProperties props, MeterRegistry meters, WorkDirs workDirs) {
        this.engine = engine;
        this.queue = queue;
        this.events = events;
        this.checkpoints = checkpoints;
        this.artifacts = artifacts;
        this.blobs = blobs;
        this.models = models;
        this.datasets = datasets;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.props = props;
        this.meters = meters;
        this.workDirs = workDirs;
    }

    /** Runs the claim to its end; {@code shuttingDown} is polled at every step. Returns the status it left. */
    public JobStatus run(Claim claim, BooleanSupplier shuttingDown) {
        var job = claim.job();
        var lease = props.getWorkers().getLeaseDuration();
        var progress = new RunProgress(claim, queue, events, json, clock, lease, shuttingDown);
        var heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "qforge-heartbeat-" + job.id());
            t.setDaemon(true);
            return t;
        });
        long interval = props.getWorkers().getHeartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(() -> {
            try {
                progress.heartbeat();
            } catch (RuntimeException e) {
                log.warn("heartbeat of job {} failed: {}", job.id(), e.toString());
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        WorkDirs.WorkDir workDir = null;
        try {
            events.append(job.id(), "CLAIMED", Map.of("owner", claim.owner(), "attempt", job.attempts()));
            workDir = workDirs.create(claim);
            var run = prepare(claim, workDir.path(), progress);
            JobResult result = engine.run(run);
            progress.checkStop();
            return succeed(claim, result, started);
        } catch (JobStoppedException e) {
            return stopped(claim, e);
        } catch (Throwable e) { // whatever the job threw (OutOfMemoryError included) ends the job, not the worker
            log.warn("job {} failed", job.id(), e);
            String message = FailureMessages.of(e);
            if (queue.finish(claim, JobStatus.FAILED, message)) {
                events.append(job.id(), "FAILED", Map.of("error", message));
                record(JobStatus.FAILED, started);
                return JobStatus.FAILED;
            }
            return JobStatus.RUNNING;
        } finally {
            heartbeats.shutdownNow();
            if (workDir != null) workDir.close();
        }
    }

    private JobRun prepare(Claim claim, Path workDir, RunProgress progress) throws IOException {
        var job = claim.job();
        var model = models.find(job.tenantId(), job.modelId())
                .orElseThrow(() -> new IllegalStateException("model " + job.modelId() + " of job " + job.id() + " is gone"));
        var dataset = datasets.find(job.tenantId(), job.datasetId())
                .orElseThrow(() -> new IllegalStateException("dataset " + job.datasetId() + " of job " + job.id() + " is gone"));
        Path modelFile = workDir.resolve("model.onnx");
        Path datasetFile = workDir.resolve("dataset." + dataset.format());
        blobs.copyToFile(model.blobId(), modelFile);
        blobs.copyToFile(dataset.blobId(), datasetFile);
        Optional<JobRun.Checkpoint> resume = Optional.empty();
        var saved = checkpoints.latest(job.id());
        if (saved.isPresent()) {
            Path file = workDir.resolve("resume.ckpt");
            blobs.copyToFile(saved.get().blobId(), file);
            resume = Optional.of(new JobRun.Checkpoint(saved.get().epoch(), file));
            events.append(job.id(), "RESUMED", Map.of("fromEpoch", saved.get().epoch()));
        }
        var spec = json.readValue(job.specJson(), JobSpec.class);
        JobRun.CheckpointStore store = (epoch, file) -> checkpoints.save(claim, epoch, file);
        return new JobRun(job.id(), modelFile, datasetFile, spec, resume, progress, store, workDir);
    }

    private JobStatus succeed(Claim claim, JobResult result, long started) throws IOException {
        var id = claim.id();
        // Hash outside the transaction; store blobs, rows and the status change in one.
        record Hashed(JobResult.Artifact artifact, String sha256, long size) {}
        var hashed = new java.util.ArrayList<Hashed>();
        for (var a : result.artifacts()) {
            hashed.add(new Hashed(a, sha256(a.file()), Files.size(a.file())));
        }
        Boolean done = tx.execute(s -> {
            for (var h : hashed) {
                var blob = blobs.put(h.artifact().file(), h.sha256(), h.size());
                artifacts.add(id, h.artifact().name(), h.artifact().contentType(), blob, h.sha256(), h.size());
            }
            artifacts.saveReport(id, json.writeValueAsString(withClassNames(claim, result.report())));
            if (!queue.finish(claim, JobStatus.SUCCEEDED, null)) {
                s.setRollbackOnly();
                return false;
            }
            events.append(id, "SUCCEEDED", Map.of("artifacts", hashed.stream().map(h -> h.artifact().name()).toList()));
            return true;
        });
        if (!Boolean.TRUE.equals(done)) {
            log.warn("job {} finished on {} after its lease was lost; result discarded", id, claim.owner());
            return JobStatus.RUNNING;
        }
        checkpoints.delete(id);
        record(JobStatus.SUCCEEDED, started);
        return JobStatus.SUCCEEDED;
    }

    /** The report plus the dataset's class names by class index, when the dataset has them. */
    private Map<String, Object> withClassNames(Claim claim, Map<String, Object> report) {
        var names = datasets.find(claim.job().tenantId(), claim.job().datasetId())
                .map(d -> d.summary().classNames()).orElse(null);
        if (names == null) return report;
        var out = new java.util.LinkedHashMap<String, Object>(report);
        out.put("classNames", names);
        return out;
    }

    private JobStatus stopped(Claim claim, JobStoppedException e) {
        var id = claim.id();
        switch (e.reason()) {
            case CANCELLED -> {
                if (queue.finish(claim, JobStatus.CANCELLED, null)) {
                    events.append(id, "CANCELLED", Map.of("while", "RUNNING"));
                    checkpoints.delete(id);
                    return JobStatus.CANCELLED;
                }
                return JobStatus.RUNNING;
            }
            case SHUTDOWN -> {
                if (queue.release(claim)) {
                    events.append(id, "RELEASED", Map.of("owner", claim.owner(), "reason", "worker shutting down"));
                    return JobStatus.QUEUED;
                }
                return JobStatus.RUNNING;
            }
            default -> {
                log.info("job {}: lease lost by {}; leaving it to its new owner", id, claim.owner());
                return JobStatus.RUNNING;
            }
        }
    }

    private void record(JobStatus status, long startedNanos) {
        Timer.builder("qforge.job.duration").description("Wall time of job attempts that ended the job")
                .tag("status", status.name()).register(meters)
                .record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private static String sha256(Path file) throws IOException {
        var digest = SpooledUpload.newDigest();
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
