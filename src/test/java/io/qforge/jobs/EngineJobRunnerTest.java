package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.data.DatasetLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The adapter between a job and the engine, run directly on a fixture (no Spring, no database). */
class EngineJobRunnerTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    Path work;

    private JobRun run(List<String> phases, List<Integer> checkpoints) {
        JobSpec spec = new JobSpec(8, 8, JobSpec.Granularity.PER_CHANNEL, JobSpec.Symmetry.ASYMMETRIC,
                JobSpec.Observer.MOVING_AVERAGE_MIN_MAX, 4, false, 1, 1e-4, JobSpec.Schedule.COSINE,
                JobSpec.Optimizer.ADAM, 0.9, 0, 32, -1, -1, 0);
        JobRun.ProgressSink sink = new JobRun.ProgressSink() {
            @Override
            public void phase(JobPhase phase) {
                phases.add(phase.name());
            }

            @Override
            public void step(int epoch, int totalEpochs, int step, int stepsPerEpoch) {
            }

            @Override
            public void epoch(int epoch, int totalEpochs, Map<String, Double> metrics) {
            }

            @Override
            public void checkStop() {
            }
        };
        return new JobRun(UUID.randomUUID(), FIXTURES.resolve("mlp.onnx"), FIXTURES.resolve("breast_cancer.npz"), spec,
                Optional.empty(), sink, (epoch, file) -> {
                    assertThat(file).isRegularFile().isNotEmptyFile(); // the store copies it ...
                    checkpoints.add(epoch);
                }, work);
    }

    @Test
    void runsTheEngineAndWritesTheArtifacts() throws Exception {
        List<String> phases = new ArrayList<>();
        List<Integer> checkpoints = new ArrayList<>();
        var runner = new EngineJobRunner(JsonMapper.builder().build(), DatasetLimits.DEFAULT, Duration.ofHours(1),
                Clock.systemUTC());
        JobResult r = runner.run(run(phases, checkpoints));
        assertThat(phases).containsExactly("LOADING", "BASELINE", "CALIBRATING", "TRAINING", "CONVERTING",
                "EVALUATING", "EXPORTING");
        assertThat(checkpoints).containsExactly(1);
        try (var files = Files.list(work)) { // ... and it is not kept in the work directory afterwards
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("checkpoint-"));
        }
        assertThat(r.artifacts()).extracting(JobResult.Artifact::name).containsExactly("model.int8.onnx", "encodings.json");
        assertThat(Files.size(r.artifacts().get(0).file())).isPositive();
        assertThat(r.report()).containsKeys("fp32", "ptqInt8", "qatOrt", "agreement", "layers");
    }

    @Test
    void aJobPastItsMaximumDurationFailsWithAMessageNamingTheSetting() {
        Clock jumping = new Clock() {
            private Instant now = Instant.parse("2026-01-01T00:00:00Z");

            @Override
            public Instant instant() {
                now = now.plusSeconds(60);
                return now;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        var runner = new EngineJobRunner(JsonMapper.builder().build(), DatasetLimits.DEFAULT, Duration.ofMinutes(5), jumping);
        assertThatThrownBy(() -> runner.run(run(new ArrayList<>(), new ArrayList<>())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("qforge.workers.max-job-duration (PT5M)");
    }

    @Test
    void datasetLimitsComeFromTheSettings() {
        var runner = new EngineJobRunner(JsonMapper.builder().build(), new DatasetLimits(1000, 1L << 30),
                Duration.ofHours(1), Clock.systemUTC());
        assertThatThrownBy(() -> runner.run(run(new ArrayList<>(), new ArrayList<>())))
                .hasMessageContaining("limit of 1000 elements");
    }
}
