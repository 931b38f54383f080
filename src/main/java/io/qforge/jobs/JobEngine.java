package io.qforge.jobs;

/**
 * The port from the job runner to the quantization engine: runs one whole QAT job (load, FP32
 * baseline, calibrate, train, convert, evaluate, export) and returns the report and the files to
 * keep. The one production implementation adapts {@code io.qforge.engine}; tests use a scripted
 * one.
 *
 * <p>Contract: report each phase and each training step through {@link JobRun#progress()} (it
 * throws {@link JobStoppedException} when the job is cancelled, its worker is shutting down, or
 * its lease was lost — let it propagate, do not catch it); save a checkpoint after each epoch
 * through {@link JobRun#checkpoints()}; when {@link JobRun#resumeFrom()} is present, continue after
 * its epoch. Any other exception fails the job with its message, so name what is wrong.
 */
public interface JobEngine {
    JobResult run(JobRun run) throws Exception;
}
