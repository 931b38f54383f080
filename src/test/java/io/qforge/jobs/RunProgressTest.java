package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.jobs.JobQueue.Claim;
import io.qforge.jobs.JobQueue.LeaseState;
import io.qforge.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A training step costs no database round trip of its own: progress, cancel and lease are read at most once a second. */
class RunProgressTest {
    /** Counts every statement the progress sink sends; reports cancel once {@code cancelled} is set. */
    static final class CountingQueue extends JobQueue {
        final AtomicInteger roundTrips = new AtomicInteger();
        volatile boolean cancelled;

        CountingQueue(MutableClock clock) {
            super(null, clock, new JobSnapshots(Duration.ZERO, id -> java.util.Optional.empty(), Runnable::run));
        }

        @Override
        public LeaseState heartbeat(Claim c, Duration lease) {
            roundTrips.incrementAndGet();
            return new LeaseState(true, cancelled);
        }

        @Override
        public LeaseState progress(Claim c, JobPhase phase, Integer epoch, Integer totalEpochs, Integer step,
                Integer stepsPerEpoch, double progress, String metricsJson, Duration lease) {
            roundTrips.incrementAndGet();
            return new LeaseState(true, cancelled);
        }
    }

    @Test
    void stepsReadTheDatabaseAtMostOnceASecondAndStillSeeACancel() {
        var clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        var queue = new CountingQueue(clock);
        var now = OffsetDateTime.now(clock);
        var job = new Job(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "{}", "q",
                JobStatus.RUNNING, JobPhase.TRAINING, "w", now.plusMinutes(1), 1, 1, false, null, 3, null, null, 0.1, 0.0,
                null, null, null, null, now, now, null);
        var progress = new RunProgress(new Claim(job, "w", 1), queue, null, JsonMapper.builder().build(), clock,
                Duration.ofMinutes(1), () -> false);

        for (int step = 1; step <= 200; step++) {
            progress.step(1, 3, step, 500); // the clock stands still: one write, at the epoch's first step
        }
        assertThat(queue.roundTrips).hasValue(1);

        queue.cancelled = true;
        progress.step(1, 3, 201, 500);
        assertThat(queue.roundTrips).hasValue(1); // not yet asked
        clock.advance(Duration.ofMillis(RunProgress.WRITE_EVERY_MS));
        assertThatThrownBy(() -> progress.step(1, 3, 202, 500)).isInstanceOf(JobStoppedException.class)
                .hasMessageContaining("cancelled");
        assertThat(queue.roundTrips).hasValue(2);
    }
}
