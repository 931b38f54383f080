package io.qforge.support;

import io.qforge.jobs.JobEngine;
import io.qforge.jobs.JobPhase;
import io.qforge.jobs.JobResult;
import io.qforge.jobs.JobRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST implementation of the engine port: walks every phase, trains {@code spec.epochs} epochs of
 * {@value #STEPS} steps reporting each step, saves a checkpoint file {@code epoch=<n>} after each
 * epoch and resumes after the checkpoint it is handed; a hook per job can block or fail a step.
 * Produces {@code model.int8.onnx} (pseudo-random bytes seeded by the job id, larger than one
 * BlobStore chunk) and {@code encodings.json}.
 */
public final class ScriptedEngine implements JobEngine {
    public static final int STEPS = 4;
    public static final int MODEL_BYTES = (1 << 20) + 12345;

    @FunctionalInterface
    public interface Hook {
        void beforeStep(int epoch, int step) throws Exception;
    }

    private final Map<UUID, Hook> hooks = new ConcurrentHashMap<>();
    private final Map<UUID, List<Integer>> trained = new ConcurrentHashMap<>();

    public void hook(UUID job, Hook hook) {
        hooks.put(job, hook);
    }

    private volatile Hook anyJob = (e, s) -> { };

    /** A hook for every job run from now on that has no hook of its own ({@code null}: none). */
    public void hookEveryJob(Hook hook) {
        anyJob = hook == null ? (e, s) -> { } : hook;
    }

    /** The epochs this engine trained for a job, over all attempts, in order. */
    public List<Integer> epochsTrained(UUID job) {
        return trained.getOrDefault(job, List.of());
    }

    public static byte[] modelBytes(UUID job) {
        byte[] bytes = new byte[MODEL_BYTES];
        new Random(job.getMostSignificantBits() ^ job.getLeastSignificantBits()).nextBytes(bytes);
        return bytes;
    }

    @Override
    public JobResult run(JobRun run) throws Exception {
        var p = run.progress();
        var log = trained.computeIfAbsent(run.jobId(), k -> new CopyOnWriteArrayList<>());
        p.phase(JobPhase.LOADING);
        p.phase(JobPhase.BASELINE);
        p.phase(JobPhase.CALIBRATING);
        p.phase(JobPhase.TRAINING);
        int from = 0;
        if (run.resumeFrom().isPresent()) {
            String text = Files.readString(run.resumeFrom().get().file());
            from = Integer.parseInt(text.substring("epoch=".length()).trim());
            if (from != run.resumeFrom().get().epoch()) {
                throw new IllegalStateException("checkpoint says epoch " + from + " but its record " + run.resumeFrom().get().epoch());
            }
        }
        int epochs = run.spec().epochs();
        var hook = hooks.getOrDefault(run.jobId(), anyJob);
        for (int epoch = from + 1; epoch <= epochs; epoch++) {
            for (int step = 1; step <= STEPS; step++) {
                hook.beforeStep(epoch, step);
                p.step(epoch, epochs, step, STEPS);
            }
            log.add(epoch);
            p.epoch(epoch, epochs, JobRun.metrics("train_loss", 1.0 / epoch, "test_accuracy", 0.9 + epoch / 1000.0));
            Path ckpt = run.workDir().resolve("epoch-" + epoch + ".ckpt");
            Files.writeString(ckpt, "epoch=" + epoch);
            run.checkpoints().save(epoch, ckpt);
        }
        p.phase(JobPhase.CONVERTING);
        p.phase(JobPhase.EVALUATING);
        p.phase(JobPhase.EXPORTING);
        Path model = run.workDir().resolve("model.int8.onnx");
        Files.write(model, modelBytes(run.jobId()));
        Path encodings = run.workDir().resolve("encodings.json");
        Files.writeString(encodings, "{\"weightBits\":" + run.spec().weightBits() + "}", StandardCharsets.UTF_8);
        var report = new LinkedHashMap<String, Object>();
        report.put("fp32", Map.of("accuracy", 0.98));
        report.put("qat", Map.of("accuracy", 0.97));
        report.put("resumedFromEpoch", from);
        report.put("epochsTrained", new ArrayList<>(log));
        return new JobResult(report, List.of(
                new JobResult.Artifact("model.int8.onnx", "application/octet-stream", model),
                new JobResult.Artifact("encodings.json", "application/json", encodings)));
    }
}
