package io.qforge.jobs;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the engine gets for one attempt of one job.
 *
 * @param modelFile the uploaded ONNX model, materialized in {@code workDir}
 * @param datasetFile the uploaded dataset (.npz), materialized in {@code workDir}
 * @param resumeFrom the newest checkpoint of an earlier attempt, if any
 * @param workDir a private directory, deleted after the attempt; artifacts may be written there
 */
public record JobRun(UUID jobId, Path modelFile, Path datasetFile, JobSpec spec, Optional<Checkpoint> resumeFrom,
                     ProgressSink progress, CheckpointStore checkpoints, Path workDir) {

    /** A saved training state: {@code epoch} epochs (1-based count) are complete. */
    public record Checkpoint(int epoch, Path file) {}

    /** Progress reports; every call may throw {@link JobStoppedException}. */
    public interface ProgressSink {
        /** A new phase begins. */
        void phase(JobPhase phase);

        /**
         * A training step finished: {@code step} of {@code stepsPerEpoch} (1-based) in epoch
         * {@code epoch} (1-based) of {@code totalEpochs}. Checks for cancellation, shutdown and a
         * lost lease, and renews the lease.
         */
        void step(int epoch, int totalEpochs, int step, int stepsPerEpoch);

        /**
         * An epoch finished with these metrics (e.g. train_loss, train_accuracy, test_accuracy).
         * Never throws for cancel/shutdown, so the checkpoint saved right after is not lost.
         */
        void epoch(int epoch, int totalEpochs, Map<String, Double> metrics);

        /** Checks for cancellation, shutdown and a lost lease without reporting progress. */
        void checkStop();
    }

    /** Where the engine saves its per-epoch training state so a re-queued job resumes. */
    public interface CheckpointStore {
        /**
         * Stores {@code file} as the checkpoint after {@code epoch} completed epochs (replaces the
         * older one). Throws {@link JobStoppedException} (LEASE_LOST) only if another worker owns the job.
         */
        void save(int epoch, Path file);
    }

    /** Convenience for engines that report metrics as a map. */
    public static Map<String, Double> metrics(Object... keyValues) {
        var map = new java.util.LinkedHashMap<String, Double>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], ((Number) keyValues[i + 1]).doubleValue());
        }
        return map;
    }
}
