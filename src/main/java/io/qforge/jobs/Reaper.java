package io.qforge.jobs;

import io.qforge.config.QforgeProperties;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Finds jobs whose lease expired (their worker crashed, hung or lost the network) every
 * {@code qforge.workers.reaper-interval}: re-queues them (they resume from the last checkpoint),
 * or fails them with the reason after {@code qforge.workers.max-attempts} claims, or cancels them
 * if cancel was requested. Safe to run in every process at once (SKIP LOCKED). At start and with
 * every pass it also removes the work directories of dead attempts ({@link WorkDirs#sweep()}).
 */
@Component
public class Reaper implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(Reaper.class);

    private final JobQueue queue;
    private final JobEvents events;
    private final QforgeProperties props;
    private final WorkDirs workDirs;
    private ScheduledExecutorService timer;
    private volatile boolean started;

    public Reaper(JobQueue queue, JobEvents events, QforgeProperties props, WorkDirs workDirs) {
        this.queue = queue;
        this.events = events;
        this.props = props;
        this.workDirs = workDirs;
    }

    public List<JobQueue.Reaped> reapOnce() {
        var reaped = queue.reapExpired(props.getWorkers().getMaxAttempts());
        for (var r : reaped) {
            String type = switch (r.newStatus()) {
                case QUEUED -> "REQUEUED";
                case FAILED -> "FAILED";
                default -> r.newStatus().name();
            };
            var data = new java.util.LinkedHashMap<String, Object>();
            data.put("reason", "lease expired");
            data.put("previousOwner", r.previousOwner() == null ? "" : r.previousOwner());
            data.put("attempts", r.attempts());
            if (r.newStatus() == JobStatus.FAILED) {
                data.put("error", "The job lost its worker " + r.attempts() + " times");
            }
            events.append(r.id(), type, Map.copyOf(data));
            log.warn("job {}: lease of {} expired after attempt {} -> {}", r.id(), r.previousOwner(), r.attempts(),
                    r.newStatus());
        }
        workDirs.sweep();
        return reaped;
    }

    @Override
    public synchronized void start() {
        started = true;
        try {
            workDirs.sweep(); // what killed attempts left behind
        } catch (RuntimeException e) {
            log.warn("work directory sweep failed: {}", e.toString());
        }
        long every = props.getWorkers().getReaperInterval().toMillis();
        if (every > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                var t = new Thread(r, "qforge-reaper");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(() -> {
                try {
                    reapOnce();
                } catch (RuntimeException e) {
                    log.warn("reaper failed: {}", e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        started = false;
    }

    @Override
    public boolean isRunning() {
        return started;
    }
}
