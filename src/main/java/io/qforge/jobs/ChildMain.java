package io.qforge.jobs;

import io.qforge.engine.data.DatasetLimits;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import tools.jackson.databind.json.JsonMapper;

/**
 * The main class of a job's child JVM (no Spring context): reads the attempt
 * ({@link ChildProtocol.Request}), runs it with the same {@link EngineJobRunner} as an in-process
 * worker, and reports progress, checkpoints and the result to the parent as {@link ChildProtocol}
 * lines on stdout. Everything else this JVM prints goes to stderr. It exits when its stdin ends, so
 * a child never outlives the service that started it.
 */
public final class ChildMain {
    private final PrintStream out;
    private final JsonMapper json = JsonMapper.builder().build();
    private final BlockingQueue<String> acks = new LinkedBlockingQueue<>();

    private ChildMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        var protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        quietLogging();
        var child = new ChildMain(protocol);
        child.watchStdin();
        int code = child.run(Path.of(args[0]));
        System.exit(code);
    }

    private int run(Path requestFile) {
        try {
            var r = json.readValue(requestFile.toFile(), ChildProtocol.Request.class);
            Optional<JobRun.Checkpoint> resume = r.resumeFile() == null ? Optional.empty()
                    : Optional.of(new JobRun.Checkpoint(r.resumeEpoch(), Path.of(r.resumeFile())));
            var run = new JobRun(r.jobId(), Path.of(r.modelFile()), Path.of(r.datasetFile()), r.spec(), resume,
                    new Sink(), this::checkpoint, Path.of(r.workDir()));
            DatasetLimits limits = r.limits();
            JobResult result = new EngineJobRunner(json, limits, Duration.ofMillis(r.maxJobDurationMillis()), Clock.systemUTC())
                    .run(run);
            List<Map<String, String>> artifacts = result.artifacts().stream()
                    .map(a -> Map.of("name", a.name(), "contentType", a.contentType(), "file", a.file().toString())).toList();
            send("result", "report", result.report(), "artifacts", artifacts,
                    "peakRssBytes", ProcStatus.self().map(ProcStatus::peakRssBytes).orElse(-1L));
            return 0;
        } catch (Throwable e) { // reported to the parent, which fails the job with it
            e.printStackTrace();
            OutOfMemoryError oom = outOfMemory(e);
            String message = oom != null ? (oom.getMessage() == null ? "OutOfMemoryError" : oom.getMessage())
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            try {
                send("error", "message", message, "outOfMemory", oom != null);
            } catch (Throwable ignored) {
                // the parent sees an exit without a result and shows the log
            }
            return 1;
        }
    }

    private static OutOfMemoryError outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) return oom;
        }
        return null;
    }

    private synchronized void send(String type, Object... keyValues) {
        var message = new LinkedHashMap<String, Object>();
        message.put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) message.put((String) keyValues[i], keyValues[i + 1]);
        out.println(ChildProtocol.PREFIX + json.writeValueAsString(message));
    }

    /** Sends the checkpoint and waits until the parent has stored it (the engine deletes the file next). */
    private void checkpoint(int epoch, Path file) {
        send("checkpoint", "epoch", epoch, "file", file.toString());
        try {
            acks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the parent stored the checkpoint of epoch " + epoch);
        }
    }

    /** Acknowledgements arrive on stdin; its end means the parent is gone: stop at once. */
    private void watchStdin() {
        var t = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(ChildProtocol.ACK)) acks.add(line);
                }
            } catch (Exception ignored) {
                // treated as the end of stdin
            }
            System.err.println("qforge child: stdin closed (the parent JVM is gone or stopped the job); exiting");
            Runtime.getRuntime().halt(3);
        }, "qforge-child-stdin");
        t.setDaemon(true);
        t.start();
    }

    /** Logback without a configuration logs DEBUG; the child's log keeps INFO and above. */
    private static void quietLogging() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    /** Progress goes to the parent, which checks for cancel, shutdown and lease loss and stops this JVM. */
    private final class Sink implements JobRun.ProgressSink {
        @Override
        public void phase(JobPhase phase) {
            send("phase", "phase", phase.name());
        }

        @Override
        public void step(int epoch, int totalEpochs, int step, int stepsPerEpoch) {
            send("step", "epoch", epoch, "totalEpochs", totalEpochs, "step", step, "stepsPerEpoch", stepsPerEpoch);
        }

        @Override
        public void epoch(int epoch, int totalEpochs, Map<String, Double> metrics) {
            send("epoch", "epoch", epoch, "totalEpochs", totalEpochs, "metrics", metrics);
        }

        @Override
        public void checkStop() {
            // the parent decides, and ends this process
        }
    }
}
