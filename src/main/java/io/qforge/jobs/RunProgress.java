package io.qforge.jobs;

import io.qforge.jobs.JobQueue.Claim;
import io.qforge.jobs.JobQueue.LeaseState;
import io.qforge.jobs.JobStoppedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The progress sink of one attempt: writes phase/epoch/step/percent to the job row (at most once
 * per {@value #WRITE_EVERY_MS} ms of the clock, plus the first step of each epoch, every phase and
 * epoch end), appends PHASE and EPOCH events, renews the lease with each write, and stops the
 * engine by throwing {@link JobStoppedException} when the job was cancelled, the worker is shutting
 * down, or the lease is no longer held. The database is asked about cancel and lease only by those
 * writes (and the heartbeat), never once per training step: a cancel is seen within
 * {@value #WRITE_EVERY_MS} ms, and a training step costs no database round trip of its own, so
 * the worker does not queue for a connection behind API requests at every step.
 */
final class RunProgress implements JobRun.ProgressSink {
    static final long WRITE_EVERY_MS = 1000;

    private final Claim claim;
    private final JobQueue queue;
    private final JobEvents events;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration lease;
    private final BooleanSupplier shuttingDown;
    private volatile boolean cancelSeen;
    private volatile boolean leaseLost;
    private JobPhase phase = JobPhase.LOADING;
    private Integer epoch;
    private Integer totalEpochs;
    private Integer step;
    private Integer stepsPerEpoch;
    private double progress;
    private Instant lastWrite = Instant.MIN;

    RunProgress(Claim claim, JobQueue queue, JobEvents events, JsonMapper json, Clock clock, Duration lease,
            BooleanSupplier shuttingDown) {
        this.claim = claim;
        this.queue = queue;
        this.events = events;
        this.json = json;
        this.clock = clock;
        this.lease = lease;
        this.shuttingDown = shuttingDown;
        this.progress = claim.job().progress();
        this.totalEpochs = claim.job().totalEpochs();
    }

    @Override
    public synchronized void phase(JobPhase next) {
        checkStop();
        phase = next;
        progress = Math.max(progress, next.start);
        write(null);
        events.append(claim.id(), "PHASE", Map.of("phase", next.name()));
    }

    @Override
    public synchronized void step(int epoch, int totalEpochs, int step, int stepsPerEpoch) {
        this.epoch = epoch;
        this.totalEpochs = totalEpochs;
        this.step = step;
        this.stepsPerEpoch = stepsPerEpoch;
        progress = JobPhase.trainingProgress(epoch, step, stepsPerEpoch, totalEpochs);
        if (step == 1 || Duration.between(lastWrite, clock.instant()).toMillis() >= WRITE_EVERY_MS) {
            write(null); // also learns whether the job was cancelled or the lease lost
        }
        checkStop();
    }

    @Override
    public synchronized void epoch(int epoch, int totalEpochs, Map<String, Double> metrics) {
        this.epoch = epoch;
        this.totalEpochs = totalEpochs;
        progress = JobPhase.trainingProgress(epoch + 1, 0, 1, totalEpochs);
        write(json.writeValueAsString(metrics));
        var data = new java.util.LinkedHashMap<String, Object>();
        data.put("epoch", epoch);
        data.put("totalEpochs", totalEpochs);
        data.put("metrics", metrics);
        events.append(claim.id(), "EPOCH", data);
        // no checkStop here: the engine saves the epoch's checkpoint next, and a stop must not lose it
    }

    @Override
    public void checkStop() {
        if (leaseLost) {
            throw new JobStoppedException(Reason.LEASE_LOST, "job " + claim.id() + " is no longer owned by " + claim.owner());
        }
        if (cancelSeen) {
            throw new JobStoppedException(Reason.CANCELLED, "job " + claim.id() + " was cancelled");
        }
        if (shuttingDown.getAsBoolean()) {
            throw new JobStoppedException(Reason.SHUTDOWN, "worker " + claim.owner() + " is shutting down");
        }
    }

    /** Called by the heartbeat timer between steps. */
    void heartbeat() {
        observe(queue.heartbeat(claim, lease));
    }

    private void write(String metricsJson) {
        observe(queue.progress(claim, phase, epoch, totalEpochs, step, stepsPerEpoch, progress, metricsJson, lease));
        lastWrite = clock.instant();
    }

    private void observe(LeaseState state) {
        if (!state.held()) leaseLost = true;
        if (state.cancelRequested()) cancelSeen = true;
    }
}
