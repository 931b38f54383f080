package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.config.QforgeProperties;
import io.qforge.engine.data.DatasetLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job attempt in a child JVM ({@code qforge.workers.isolation=process}) with the real engine on
 * fixtures, without Spring or a database: the same phases, checkpoints, artifacts and report as in
 * the worker thread; a stop and a killed child end it with the child gone (the memory budget:
 * {@link ChildJobRunTest}).
 */
class ChildJobEngineTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path work;

    /** What the engine reported, and hooks to act when a step or phase arrives. */
    static final class Recorder implements JobRun.ProgressSink {
        final List<String> phases = new CopyOnWriteArrayList<>();
        final List<String> steps = new CopyOnWriteArrayList<>();
        final List<Integer> epochs = new CopyOnWriteArrayList<>();
        final List<Integer> checkpoints = new CopyOnWriteArrayList<>();
        volatile JobStoppedException stopWith;
        volatile Consumer<String> onStep = s -> { };

        @Override
        public void phase(JobPhase phase) {
            phases.add(phase.name());
            checkStop();
        }

        @Override
        public void step(int epoch, int totalEpochs, int step, int stepsPerEpoch) {
            String s = epoch + "/" + totalEpochs + ":" + step + "/" + stepsPerEpoch;
            steps.add(s);
            onStep.accept(s);
            checkStop();
        }

        @Override
        public void epoch(int epoch, int totalEpochs, Map<String, Double> metrics) {
            assertThat(metrics).containsKeys("train_loss", "test_accuracy", "images_per_second");
            epochs.add(epoch);
        }

        @Override
        public void checkStop() {
            var s = stopWith;
            if (s != null) throw s;
        }
    }

    private static JobSpec spec(int epochs, int batchSize) {
        return new JobSpec(8, 8, JobSpec.Granularity.PER_CHANNEL, JobSpec.Symmetry.ASYMMETRIC,
                JobSpec.Observer.MOVING_AVERAGE_MIN_MAX, 4, false, epochs, 1e-4, JobSpec.Schedule.COSINE,
                JobSpec.Optimizer.ADAM, 0.9, 0, batchSize, -1, -1, 0);
    }

    private JobRun run(Path dir, Path model, Path data, JobSpec spec, Recorder sink) throws Exception {
        Files.createDirectories(dir);
        return new JobRun(UUID.randomUUID(), model, data, spec, Optional.empty(), sink, (epoch, file) -> {
            assertThat(file).isRegularFile().isNotEmptyFile(); // still there while it is stored
            sink.checkpoints.add(epoch);
        }, dir);
    }

    private static ChildJobEngine child(String budget, String heap) {
        var w = new QforgeProperties.Workers();
        if (budget != null) w.setMemoryBudget(DataSize.parse(budget));
        if (heap != null) w.setChildHeap(DataSize.parse(heap));
        w.setKillGrace(Duration.ofSeconds(2));
        return new ChildJobEngine(JSON, DatasetLimits.DEFAULT, Duration.ofHours(1), ChildSettings.of(w));
    }

    /** Child JVMs of this test JVM that run a job. */
    static List<ProcessHandle> children() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains(ChildMain.class.getName()))
                .toList();
    }

    @AfterEach
    void noChildLeft() {
        assertThat(children()).isEmpty();
    }

    @Test
    void aWholeJobInAChildJvmReportsLikeTheWorkerThread() throws Exception {
        Path model = FIXTURES.resolve("mlp.onnx");
        Path data = FIXTURES.resolve("breast_cancer.npz");
        var inThread = new Recorder();
        JobResult expected = new EngineJobRunner(JSON, DatasetLimits.DEFAULT, Duration.ofHours(1), Clock.systemUTC())
                .run(run(work.resolve("thread"), model, data, spec(1, 32), inThread));
        var inChild = new Recorder();
        JobResult r = child(null, null).run(run(work.resolve("child"), model, data, spec(1, 32), inChild));

        assertThat(inChild.phases).containsExactly("LOADING", "BASELINE", "CALIBRATING", "TRAINING", "CONVERTING",
                "EVALUATING", "EXPORTING");
        assertThat(inChild.steps).isNotEmpty().isEqualTo(inThread.steps);
        assertThat(inChild.epochs).containsExactly(1);
        assertThat(inChild.checkpoints).containsExactly(1);
        assertThat(r.artifacts()).extracting(JobResult.Artifact::name).containsExactly("model.int8.onnx", "encodings.json");
        assertThat(r.artifacts().get(0).file()).hasSameBinaryContentAs(expected.artifacts().get(0).file());
        assertThat(r.artifacts().get(1).file()).hasSameTextualContentAs(expected.artifacts().get(1).file());
        assertThat(r.report().keySet()).containsAll(expected.report().keySet()).contains("resources");
        // same numbers through the pipe as in this JVM (the report's JSON form is what is stored)
        for (String key : List.of("fp32", "ptqInt8", "qatFakeQuant", "qatInt8", "qatOrt", "agreement", "sizes", "layers")) {
            assertThat(JSON.writeValueAsString(r.report().get(key))).as(key)
                    .isEqualTo(JSON.writeValueAsString(expected.report().get(key)));
        }
        @SuppressWarnings("unchecked")
        var resources = (Map<String, Object>) r.report().get("resources");
        assertThat(resources.get("childJvm")).isEqualTo(true);
        assertThat(((Number) resources.get("peakRssBytes")).longValue()).isGreaterThan(50L << 20);
    }

    @Test
    void aCancelDuringTrainingEndsTheChildAtThatStep() throws Exception {
        var sink = new Recorder();
        sink.onStep = s -> sink.stopWith = new JobStoppedException(JobStoppedException.Reason.CANCELLED, "cancelled by the test");
        var run = run(work.resolve("cancel"), FIXTURES.resolve("mlp.onnx"), FIXTURES.resolve("breast_cancer.npz"), spec(3, 16), sink);
        assertThatThrownBy(() -> child(null, null).run(run)).isInstanceOfSatisfying(JobStoppedException.class,
                e -> assertThat(e.reason()).isEqualTo(JobStoppedException.Reason.CANCELLED));
        assertThat(sink.steps).containsExactly("1/3:1/" + sink.steps.get(0).split("/")[2]); // stopped at the first step
        assertThat(children()).isEmpty(); // run() returns once the child is gone
    }

    /** The scheduling niceness of a process (field 19 of /proc/PID/stat). */
    static int niceness(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void theChildTrainsAtTheConfiguredNiceness() throws Exception {
        int own = niceness(ProcessHandle.current().pid());
        org.junit.jupiter.api.Assumptions.assumeTrue(own < 19 - 10, "this JVM already runs at niceness " + own);
        var seen = new CopyOnWriteArrayList<Integer>();
        var sink = new Recorder();
        sink.onStep = s -> {
            try {
                for (var c : children()) seen.add(niceness(c.pid()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            sink.stopWith = new JobStoppedException(JobStoppedException.Reason.CANCELLED, "seen");
        };
        var w = new QforgeProperties.Workers();
        assertThat(w.getChildNice()).isEqualTo(10); // the default
        var run = run(work.resolve("nice"), FIXTURES.resolve("mlp.onnx"), FIXTURES.resolve("breast_cancer.npz"), spec(1, 16), sink);
        assertThatThrownBy(() -> new ChildJobEngine(JSON, DatasetLimits.DEFAULT, Duration.ofHours(1), ChildSettings.of(w)).run(run))
                .isInstanceOf(JobStoppedException.class);
        assertThat(seen).containsExactly(own + 10);

        w.setChildNice(20);
        assertThatThrownBy(() -> ChildSettings.of(w)).hasMessageContaining("qforge.workers.child-nice must be between 0 and 19");
    }

    @Test
    void aStopWhileTheChildIsSilentIsSeenByTheTimer() throws Exception {
        var sink = new Recorder();
        sink.stopWith = new JobStoppedException(JobStoppedException.Reason.SHUTDOWN, "worker shutting down");
        var run = run(work.resolve("shutdown"), FIXTURES.resolve("mlp.onnx"), FIXTURES.resolve("breast_cancer.npz"), spec(1, 32), sink);
        assertThatThrownBy(() -> child(null, null).run(run)).isInstanceOfSatisfying(JobStoppedException.class,
                e -> assertThat(e.reason()).isEqualTo(JobStoppedException.Reason.SHUTDOWN));
        assertThat(sink.phases).isEmpty(); // the child was ended before its first message
    }

    @Test
    void aChildThatIsKilledFailsTheAttemptSayingSo() throws Exception {
        var sink = new Recorder();
        sink.onStep = s -> {
            if (sink.steps.size() == 1) children().forEach(ProcessHandle::destroyForcibly);
        };
        var run = run(work.resolve("killed"), FIXTURES.resolve("mlp.onnx"), FIXTURES.resolve("breast_cancer.npz"), spec(3, 16), sink);
        assertThatThrownBy(() -> child(null, null).run(run)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The job's process (a child JVM) was killed by signal 9 (SIGKILL")
                .hasMessageContaining("in phase TRAINING without a result. Last lines of its log:");
    }
}
