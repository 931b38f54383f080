package io.qforge.jobs;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.DatasetLimits;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.train.EpochResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The one adapter between a queued job and the engine: reads the uploaded files, maps the spec,
 * runs {@link QatJob}, forwards phases, steps and epochs to the job's progress sink, stores a
 * checkpoint after every epoch, and writes the artifacts ({@code model.int8.onnx},
 * {@code encodings.json}) into the attempt's work directory.
 */
final class EngineJobRunner implements JobEngine {
    static final String INT8_MODEL = "model.int8.onnx";
    static final String ENCODINGS = "encodings.json";

    private final ObjectMapper json;
    private final DatasetLimits limits;
    private final Duration maxDuration;
    private final Clock clock;

    EngineJobRunner(ObjectMapper json, DatasetLimits limits, Duration maxDuration, Clock clock) {
        this.json = json;
        this.limits = limits;
        this.maxDuration = maxDuration;
        this.clock = clock;
    }

    @Override
    public JobResult run(JobRun run) throws IOException {
        byte[] model = Files.readAllBytes(run.modelFile());
        Instant deadline = clock.instant().plus(maxDuration);
        Dataset data = NpzReader.read(run.datasetFile(), limits);
        byte[] resume = run.resumeFrom().isPresent() ? Files.readAllBytes(run.resumeFrom().get().file()) : null;
        io.qforge.engine.job.JobResult result;
        try {
            result = QatJob.run(model, data, EngineSpecs.toEngine(run.spec()), new Listener(run), () -> {
                run.progress().checkStop();
                if (clock.instant().isAfter(deadline)) {
                    throw new IllegalStateException("the job ran longer than qforge.workers.max-job-duration ("
                            + maxDuration + ") in this attempt and was stopped");
                }
                return false;
            }, resume);
        } catch (CancellationException e) {
            run.progress().checkStop(); // throws the JobStoppedException that says why
            throw e;
        }
        Path onnx = Files.write(run.workDir().resolve(INT8_MODEL), result.int8Model());
        Path encodings = Files.writeString(run.workDir().resolve(ENCODINGS), result.encodingsJson(), StandardCharsets.UTF_8);
        Map<String, Object> report = json.convertValue(result.report(), new TypeReference<Map<String, Object>>() { });
        return new JobResult(report, List.of(
                new JobResult.Artifact(INT8_MODEL, "application/octet-stream", onnx),
                new JobResult.Artifact(ENCODINGS, "application/json", encodings)));
    }

    /** Engine callbacks (0-based epochs and steps) to the sink's 1-based progress. */
    private static final class Listener implements JobListener {
        private final JobRun run;

        Listener(JobRun run) {
            this.run = run;
        }

        @Override
        public void phase(io.qforge.engine.job.JobPhase phase) {
            run.progress().phase(JobPhase.valueOf(phase.name()));
        }

        @Override
        public void step(int epoch, int totalEpochs, int step, int stepsPerEpoch, double loss, double accuracy, double ips) {
            run.progress().step(epoch + 1, totalEpochs, step + 1, stepsPerEpoch);
        }

        @Override
        public void epoch(EpochResult r, int totalEpochs) {
            run.progress().epoch(r.epoch() + 1, totalEpochs, JobRun.metrics(
                    "train_loss", r.trainLoss(), "train_accuracy", r.trainAccuracy(),
                    "test_loss", r.test().loss(), "test_accuracy", r.test().accuracy(),
                    "images_per_second", r.imagesPerSecond(), "learning_rate", r.learningRate()));
        }

        @Override
        public void checkpoint(int epochsDone, byte[] state) {
            Path file = run.workDir().resolve("checkpoint-" + epochsDone + ".bin");
            try {
                Files.write(file, state);
                run.checkpoints().save(epochsDone, file);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the checkpoint after epoch " + epochsDone, e);
            } finally {
                // stored in the database now: one file per epoch would fill the work directory's disk
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // removed with the work directory at the end of the attempt
                }
            }
        }
    }
}
