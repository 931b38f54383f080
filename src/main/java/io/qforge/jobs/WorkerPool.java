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
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * {@code qforge.workers.count} worker threads in this process (default 1), each claiming from
 * {@code qforge.workers.queue}; any number of processes can share the database. On shutdown the
 * running jobs are asked to stop at their next step and go back to the queue.
 */
@Component
public class WorkerPool implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final JobQueue queue;
    private final JobRunner runner;
    private final QforgeProperties props;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final String processId;
    private volatile boolean running;

    public WorkerPool(JobQueue queue, JobRunner runner, QforgeProperties props) {
        this.queue = queue;
        this.runner = runner;
        this.props = props;
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
        int count = props.getWorkers().getCount();
        for (int i = 0; i < count; i++) {
            String owner = processId + ":w" + i;
            var t = new Thread(() -> loop(owner), "qforge-worker-" + i);
            t.start();
            threads.add(t);
        }
        running = true;
        if (count > 0) {
            log.info("{} worker(s) on queue '{}' as {}", count, props.getWorkers().getQueue(), processId);
        }
    }

    private void loop(String owner) {
        long idle = props.getWorkers().getPollInterval().toMillis();
        while (!stopping.get()) {
            try {
                if (!runOnce(props.getWorkers().getQueue(), owner)) {
                    Thread.sleep(idle);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("worker {} loop error: {}", owner, e.toString());
                try {
                    Thread.sleep(idle);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
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
