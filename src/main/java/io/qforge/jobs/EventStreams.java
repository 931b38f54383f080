package io.qforge.jobs;

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
 * {@value #POLL_MS} ms, and completes once the job is finished and every event was sent.
 */
@Component
public class EventStreams implements DisposableBean {
    static final long POLL_MS = 300;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final JobEvents events;
    private final JobStore jobs;
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(1, r -> {
        var t = new Thread(r, "qforge-sse");
        t.setDaemon(true);
        return t;
    });

    public EventStreams(JobEvents events, JobStore jobs) {
        this.events = events;
        this.jobs = jobs;
    }

    SseEmitter open(UUID jobId, long afterId) {
        var emitter = new SseEmitter(TIMEOUT.toMillis());
        var last = new long[] {afterId};
        var task = new AtomicReference<ScheduledFuture<?>>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable poll = () -> {
            if (done.get()) {
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
                }
                if (finished && batch.size() < 500) {
                    done.set(true);
                    emitter.complete();
                    cancel(task);
                }
            } catch (IOException | IllegalStateException e) {
                done.set(true);
                cancel(task); // the client went away
            } catch (RuntimeException e) {
                done.set(true);
                emitter.completeWithError(e);
                cancel(task);
            }
        };
        emitter.onCompletion(() -> done.set(true));
        emitter.onTimeout(() -> done.set(true));
        emitter.onError(e -> done.set(true));
        task.set(poller.scheduleWithFixedDelay(poll, 0, POLL_MS, TimeUnit.MILLISECONDS));
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
