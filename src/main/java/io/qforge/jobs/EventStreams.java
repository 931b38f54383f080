package io.qforge.jobs;

import io.qforge.api.ApiException;
import io.qforge.quota.StreamSlots;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live job events over {@code text/event-stream}. Each stream polls {@code job_events} for ids
 * after the last one sent (so events written by a worker in any process arrive), every
 * {@value #POLL_MS} ms, and completes once the job is finished and every event was sent. Each
 * open stream holds one of its tenant's stream slots ({@link StreamSlots}) until it ends.
 */
@Component
public class EventStreams implements DisposableBean {
    static final long POLL_MS = 300;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    /** A comment line this often: a client that went away is noticed (and its slot freed) by the failed write. */
    static final long HEARTBEAT_MS = 5_000;

    private final JobEvents events;
    private final JobStore jobs;
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(1, r -> {
        var t = new Thread(r, "qforge-sse");
        t.setDaemon(true);
        return t;
    });

    private final StreamSlots slots;

    public EventStreams(JobEvents events, JobStore jobs, StreamSlots slots) {
        this.events = events;
        this.jobs = jobs;
        this.slots = slots;
    }

    /** 429 when the job's tenant has all its streams ({@code qforge.quotas.event-streams}) open. */
    SseEmitter open(UUID jobId, long afterId) {
        var tenantId = jobs.find(jobId).orElseThrow(() -> ApiException.notFound("Job", jobId)).tenantId();
        var slot = slots.acquire(tenantId);
        var emitter = new SseEmitter(TIMEOUT.toMillis());
        var lastWrite = new long[] {System.nanoTime()};
        var last = new long[] {afterId};
        var task = new AtomicReference<ScheduledFuture<?>>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable poll = () -> {
            if (done.get()) {
                slot.release();
                cancel(task);
                return;
            }
            try {
                boolean finished = jobs.find(jobId).map(j -> j.status().terminal()).orElse(true);
                var batch = events.after(jobId, last[0], 500);
                for (var e : batch) {
                    emitter.send(SseEmitter.event().id(Long.toString(e.id())).name(e.type())
                            .data(e.dataJson(), MediaType.APPLICATION_JSON));
                    last[0] = e.id();
                    lastWrite[0] = System.nanoTime();
                }
                if (System.nanoTime() - lastWrite[0] > HEARTBEAT_MS * 1_000_000) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastWrite[0] = System.nanoTime();
                }
                if (finished && batch.size() < 500) {
                    done.set(true);
                    slot.release();
                    emitter.complete();
                    cancel(task);
                }
            } catch (IOException | IllegalStateException e) {
                done.set(true);
                slot.release();
                cancel(task); // the client went away
            } catch (RuntimeException e) {
                done.set(true);
                slot.release();
                emitter.completeWithError(e);
                cancel(task);
            }
        };
        Runnable ended = () -> {
            done.set(true);
            slot.release();
        };
        emitter.onCompletion(ended);
        emitter.onTimeout(ended);
        emitter.onError(e -> ended.run());
        try {
            task.set(poller.scheduleWithFixedDelay(poll, 0, POLL_MS, TimeUnit.MILLISECONDS));
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        return emitter;
    }

    private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
        var f = task.get();
        if (f != null) f.cancel(false);
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }
}
