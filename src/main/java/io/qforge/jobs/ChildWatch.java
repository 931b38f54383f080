package io.qforge.jobs;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches one child JVM every {@value #EVERY_MS} ms while its job runs: samples its resident memory
 * ({@code /proc/<pid>/status}: its peak, VmHWM, so a spike between two samples is seen at the next)
 * and kills it at once when it has passed the budget; asks the job's
 * progress sink whether to stop (cancel, shutdown, lost lease) even when the child reports nothing,
 * and then ends the child: SIGTERM, and SIGKILL once the kill grace has passed.
 */
final class ChildWatch implements AutoCloseable {
    static final long EVERY_MS = 200;

    /** The child passed the budget: its resident memory then, and the phase it was in. */
    record OverBudget(long rssBytes, JobPhase phase) {}

    private final Process process;
    private final JobRun.ProgressSink progress;
    private final long budget;
    private final long graceMillis;
    private final ScheduledExecutorService timer;
    private volatile JobPhase phase = JobPhase.LOADING;
    private volatile long peakRss;
    private volatile OverBudget overBudget;
    private volatile JobStoppedException stop;
    private volatile long stopAt;

    ChildWatch(Process process, JobRun.ProgressSink progress, long budget, long graceMillis, String name) {
        this.process = process;
        this.progress = progress;
        this.budget = budget;
        this.graceMillis = graceMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    void phase(JobPhase now) {
        phase = now;
    }

    JobPhase phase() {
        return phase;
    }

    /** The highest VmHWM seen (0 when /proc is not readable). */
    long peakRss() {
        return peakRss;
    }

    void peakRss(long reported) {
        peakRss = Math.max(peakRss, reported);
    }

    /**
     * The child passed the budget: seen by a sample, or — for a child that ended between two
     * samples — by the peak it reported itself ({@link #peakRss(long)}).
     */
    OverBudget overBudget() {
        if (overBudget == null && peakRss > budget) overBudget = new OverBudget(peakRss, phase);
        return overBudget;
    }

    /** Throws the stop the timer saw, if any. */
    void rethrowStop() {
        var s = stop;
        if (s != null) throw s;
    }

    private void tick() {
        try {
            if (!process.isAlive()) return;
            if (stop != null) {
                if (System.currentTimeMillis() - stopAt > graceMillis) process.destroyForcibly();
                return;
            }
            var status = ProcStatus.of(process.pid());
            if (status.isPresent()) {
                peakRss = Math.max(peakRss, status.get().peakRssBytes());
                // VmHWM, not VmRSS: a peak between two samples counts too (the budget bounds the peak)
                if (status.get().peakRssBytes() > budget && overBudget == null) {
                    overBudget = new OverBudget(status.get().peakRssBytes(), phase);
                    process.destroyForcibly();
                    return;
                }
            }
            try {
                progress.checkStop();
            } catch (JobStoppedException e) {
                stopAt = System.currentTimeMillis();
                stop = e;
                process.destroy();
            }
        } catch (RuntimeException e) {
            // a failed sample is retried at the next tick
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
