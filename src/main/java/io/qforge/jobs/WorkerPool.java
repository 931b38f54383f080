package io.qforge.jobs;

import io.qforge.config.QforgeProperties;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * {@code qforge.workers.count} worker threads in this process (default 1), each claiming from
 * {@code qforge.workers.queue}; any number of processes can share the database. On shutdown the
 * running jobs are asked to stop at their next step and go back to the queue.
 *
 * <p>A worker survives whatever its job throws (the job FAILS with the reason, see
 * {@link JobRunner}) and whatever a claim throws (it waits a poll interval and tries again). A
 * worker thread that ends anyway is replaced, at most {@code qforge.workers.max-restarts} times
 * over the life of the process; when none is left alive and none may be started, liveness turns
 * BROKEN. {@link #aliveWorkers()} feeds the readiness check ({@code io.qforge.health}).
 */
@Component
public class WorkerPool implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final JobQueue queue;
    private final JobRunner runner;
    private final QforgeProperties props;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final ApplicationEventPublisher publisher;
    private final String processId;
    private volatile boolean running;
    private int restarts;

    public WorkerPool(JobQueue queue, JobRunner runner, QforgeProperties props, ApplicationEventPublisher publisher) {
        this.queue = queue;
        this.runner = runner;
        this.props = props;
        this.publisher = publisher;
        this.processId = hostName() + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Claims one job of {@code queueName} and runs it in the calling thread; false if none was queued. */
    public boolean runOnce(String queueName, String owner) {
        var claim = queue.claim(queueName, owner, props.getWorkers().getLeaseDuration());
        if (claim.isEmpty()) return false;
        log.info("{} claimed job {} (attempt {})", owner, claim.get().id(), claim.get().job().attempts());
        var status = runner.run(claim.get(), stopping::get);
        log.info("{} left job {} {}", owner, claim.get().id(), status);
        return true;
    }

    @Override
    public synchronized void start() {
        stopping.set(false);
        running = true;
        int count = props.getWorkers().getCount();
        for (int i = 0; i < count; i++) {
            threads.add(startWorker(i));
        }
        if (count > 0) {
            log.info("{} worker(s) on queue '{}' as {}", count, props.getWorkers().getQueue(), processId);
        }
    }

    private Thread startWorker(int slot) {
        String owner = processId + ":w" + slot;
        var t = new Thread(() -> {
            try {
                loop(owner);
            } finally {
                ended(slot);
            }
        }, "qforge-worker-" + slot);
        t.start();
        return t;
    }

    private void loop(String owner) {
        long idle = props.getWorkers().getPollInterval().toMillis();
        while (!stopping.get()) {
            try {
                if (!runOnce(props.getWorkers().getQueue(), owner)) {
                    Thread.sleep(idle);
                }
            } catch (InterruptedException e) {
                if (!stopping.get()) log.error("worker {} was interrupted and ends", owner);
                return;
            } catch (Throwable e) { // a claim that failed (database down, ...): the worker waits and goes on
                log.warn("worker {} loop error: {}", owner, e.toString());
                try {
                    Thread.sleep(idle);
                } catch (InterruptedException ie) {
                    if (!stopping.get()) log.error("worker {} was interrupted and ends", owner);
                    return;
                }
            }
        }
    }

    /** A worker thread ended: expected on shutdown, else it is replaced while restarts remain. */
    private void ended(int slot) {
        if (stopping.get()) return; // stop() holds the lock while it joins the workers
        synchronized (this) {
            if (stopping.get() || !running) return;
            replaceOrGiveUp(slot);
        }
    }

    private void replaceOrGiveUp(int slot) {
        int max = props.getWorkers().getMaxRestarts();
        if (restarts < max) {
            restarts++;
            log.error("worker {} died; starting a new one ({} of qforge.workers.max-restarts = {})", slot, restarts, max);
            threads.set(slot, startWorker(slot));
            return;
        }
        log.error("worker {} died and qforge.workers.max-restarts ({}) are used up; {} of {} worker(s) alive", slot, max,
                aliveWorkers(), props.getWorkers().getCount());
        if (aliveWorkers() == 0) {
            AvailabilityChangeEvent.publish(publisher, this, LivenessState.BROKEN);
        }
    }

    /** Worker threads of this process that are alive now. */
    public synchronized int aliveWorkers() {
        return (int) threads.stream().filter(t -> t.isAlive() && t != Thread.currentThread()).count();
    }

    /** Worker threads this process is configured to run ({@code qforge.workers.count}). */
    public int configuredWorkers() {
        return props.getWorkers().getCount();
    }

    @Override
    public synchronized void stop() {
        stopping.set(true);
        for (var t : threads) {
            try {
                t.join(props.getWorkers().getLeaseDuration().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("{} did not stop; its job returns to the queue when the lease expires", t.getName());
                t.interrupt();
            }
        }
        threads.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before the web server and the DataSource go away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    public String processId() {
        return processId;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
