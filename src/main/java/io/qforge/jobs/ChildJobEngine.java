package io.qforge.jobs;

import io.qforge.engine.data.DatasetLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs each job attempt in a child JVM of its own ({@code qforge.workers.isolation=process}): the
 * child ({@link ChildMain}) runs the same {@link EngineJobRunner} and reports over a pipe
 * ({@link ChildProtocol}); this side turns each message into the same progress and checkpoint
 * calls as an in-process run, checks for a stop on every message and every
 * {@value ChildWatch#EVERY_MS} ms, and ends the child when the job stops, when it passes
 * {@code qforge.workers.memory-budget}, or when this JVM dies (the child exits at the end of its
 * stdin). The report gains {@code resources: {peakRssBytes, childJvm: true}}.
 */
final class ChildJobEngine implements JobEngine {
    private static final Logger log = LoggerFactory.getLogger(ChildJobEngine.class);
    private static final int LOG_TAIL_LINES = 15;

    private final ObjectMapper json;
    private final DatasetLimits limits;
    private final Duration maxDuration;
    private final ChildSettings settings;
    private final ChildCommand command;

    ChildJobEngine(ObjectMapper json, DatasetLimits limits, Duration maxDuration, ChildSettings settings) {
        this.json = json;
        this.limits = limits;
        this.maxDuration = maxDuration;
        this.settings = settings;
        this.command = ChildCommand.forThisJvm(settings);
    }

    @Override
    public JobResult run(JobRun run) throws Exception {
        Path request = run.workDir().resolve(ChildProtocol.REQUEST);
        // absolute paths: the child runs in the work directory
        json.writeValue(request.toFile(), new ChildProtocol.Request(run.jobId(), absolute(run.modelFile()),
                absolute(run.datasetFile()), run.spec(), run.resumeFrom().map(JobRun.Checkpoint::epoch).orElse(null),
                run.resumeFrom().map(c -> absolute(c.file())).orElse(null), absolute(run.workDir()),
                maxDuration.toMillis(), limits.maxElementsPerArray(), limits.maxTotalBytes(), limits.maxInflatedBytes(),
                limits.maxZipEntries()));
        Path childLog = run.workDir().resolve(ChildProtocol.LOG);
        var builder = new ProcessBuilder(command.command(run.workDir(), request)).directory(run.workDir().toFile())
                .redirectError(childLog.toFile());
        ChildCommand.environment(builder.environment());
        Process process = builder.start();
        log.info("job {} runs in child JVM pid {}", run.jobId(), process.pid());
        try (var watch = new ChildWatch(process, run.progress(), settings.budget(), settings.killGraceMillis(),
                "qforge-child-watch-" + run.jobId())) {
            try {
                return talk(run, process, watch, childLog);
            } finally {
                end(process);
            }
        }
    }

    private JobResult talk(JobRun run, Process process, ChildWatch watch, Path childLog) throws IOException, InterruptedException {
        JsonNode result = null;
        JsonNode error = null;
        OutputStream stdin = process.getOutputStream(); // held open: the child exits when it closes
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (result == null && error == null && (line = in.readLine()) != null) {
                int at = line.indexOf(ChildProtocol.PREFIX);
                if (at < 0) {
                    log.debug("job {} child stdout: {}", run.jobId(), line);
                    continue;
                }
                JsonNode m = json.readTree(line.substring(at + ChildProtocol.PREFIX.length()));
                switch (m.get("type").stringValue()) {
                    case "phase" -> {
                        JobPhase phase = JobPhase.valueOf(m.get("phase").stringValue());
                        watch.phase(phase);
                        run.progress().phase(phase);
                    }
                    case "step" -> run.progress().step(m.get("epoch").intValue(), m.get("totalEpochs").intValue(),
                            m.get("step").intValue(), m.get("stepsPerEpoch").intValue());
                    case "epoch" -> run.progress().epoch(m.get("epoch").intValue(), m.get("totalEpochs").intValue(),
                            json.convertValue(m.get("metrics"), new TypeReference<Map<String, Double>>() { }));
                    case "checkpoint" -> {
                        run.checkpoints().save(m.get("epoch").intValue(), Path.of(m.get("file").stringValue()));
                        stdin.write((ChildProtocol.ACK + " " + m.get("epoch").intValue() + "\n").getBytes(StandardCharsets.UTF_8));
                        stdin.flush();
                    }
                    case "result" -> result = m;
                    case "error" -> error = m;
                    default -> log.warn("job {}: unknown message from its child JVM: {}", run.jobId(), line);
                }
                watch.rethrowStop();
                run.progress().checkStop();
            }
        } catch (RuntimeException | IOException e) {
            // a child ended by a stop (SIGTERM, then SIGKILL after the grace) may leave half a message behind:
            // the attempt ends as the stop, not as a failure of the job
            watch.rethrowStop();
            throw e;
        }
        if (!process.waitFor(settings.killGraceMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
        if (result != null) watch.peakRss(result.get("peakRssBytes").longValue());
        var over = watch.overBudget();
        if (over != null) throw new IllegalStateException(overBudget(over));
        watch.rethrowStop();
        run.progress().checkStop();
        if (result != null) {
            return result(result, watch.peakRss());
        }
        if (error != null) {
            String message = error.get("message").stringValue();
            throw new IllegalStateException(error.get("outOfMemory").booleanValue() ? outOfMemory(message, watch.phase()) : message);
        }
        process.waitFor();
        throw new IllegalStateException(died(process, watch.phase(), childLog));
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().toString();
    }

    private JobResult result(JsonNode m, long peakRss) {
        Map<String, Object> report = json.convertValue(m.get("report"), new TypeReference<LinkedHashMap<String, Object>>() { });
        var resources = new LinkedHashMap<String, Object>();
        resources.put("peakRssBytes", peakRss);
        resources.put("childJvm", true);
        report.put("resources", resources);
        List<JobResult.Artifact> artifacts = new ArrayList<>();
        for (JsonNode a : m.get("artifacts")) {
            artifacts.add(new JobResult.Artifact(a.get("name").stringValue(), a.get("contentType").stringValue(),
                    Path.of(a.get("file").stringValue())));
        }
        return new JobResult(report, artifacts);
    }

    /** Closes its stdin (a live child exits on that), SIGTERM, SIGKILL after the kill grace; returns once the child is gone. */
    private void end(Process process) throws InterruptedException {
        try {
            process.getOutputStream().close(); // also frees the pipe's file descriptor
        } catch (IOException ignored) {
            // the child is gone already
        }
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(settings.killGraceMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    String overBudget(ChildWatch.OverBudget over) {
        return "The job needed more than qforge.workers.memory-budget (" + ChildSettings.size(settings.budget())
                + "): its resident memory reached " + ChildSettings.size(over.rssBytes()) + " in phase " + over.phase()
                + " and its process was stopped; raise the setting or lower spec.batchSize.";
    }

    String outOfMemory(String detail, JobPhase phase) {
        return "The job ran out of memory in phase " + phase + " (" + detail + "): its process may use "
                + ChildSettings.size(settings.budget()) + " (qforge.workers.memory-budget), of which "
                + ChildSettings.size(settings.heap()) + " Java heap (qforge.workers.child-heap) and "
                + ChildSettings.size(settings.offHeap()) + " ND4J off-heap buffers; raise the settings or lower spec.batchSize.";
    }

    private static String died(Process process, JobPhase phase, Path childLog) {
        int code = process.exitValue();
        String how = code > 128 ? "was killed by signal " + (code - 128) + signalName(code - 128) : "exited with code " + code;
        return "The job's process (a child JVM) " + how + " in phase " + phase + " without a result. Last lines of its log:\n"
                + tail(childLog);
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 9 -> " (SIGKILL: killed from outside, e.g. by the kernel when the machine ran out of memory)";
            case 6 -> " (SIGABRT: the JVM crashed)";
            case 11 -> " (SIGSEGV: a native crash)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    static String tail(Path file) {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, f.length() - 16 * 1024);
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }
}
