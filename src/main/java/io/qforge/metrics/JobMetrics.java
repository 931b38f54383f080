package io.qforge.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.qforge.config.QforgeProperties;
import io.qforge.jobs.JobStatus;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges read from the database (so every process reports the shared truth):
 * {@code qforge_jobs{status=...}} jobs by status and {@code qforge_queue_depth{queue=...}} queued
 * jobs of this process's queue. One grouped query serves all gauges, at most every 5 s.
 * (Job duration is the {@code qforge_job_duration} timer, upload sizes {@code qforge_upload_bytes}.)
 */
@Component
public class JobMetrics {
    private static final long MAX_AGE_MS = 5_000;

    private final JdbcClient jdbc;
    private final String queue;
    private Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
    private long queueDepth;
    private long readAt;

    public JobMetrics(JdbcClient jdbc, MeterRegistry meters, QforgeProperties props) {
        this.jdbc = jdbc;
        this.queue = props.getWorkers().getQueue();
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("qforge.jobs", this, m -> m.snapshot().getOrDefault(s, 0L))
                    .description("Jobs by status").tag("status", s.name()).register(meters);
        }
        Gauge.builder("qforge.queue.depth", this, m -> {
            m.snapshot();
            return m.queueDepth;
        }).description("Queued jobs waiting for a worker").tag("queue", queue).register(meters);
    }

    private synchronized Map<JobStatus, Long> snapshot() {
        long now = System.currentTimeMillis();
        if (now - readAt > MAX_AGE_MS) {
            var counts = new EnumMap<JobStatus, Long>(JobStatus.class);
            jdbc.sql("SELECT status, count(*) FROM jobs GROUP BY status")
                    .query((rs, i) -> counts.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2))).list();
            queueDepth = jdbc.sql("SELECT count(*) FROM jobs WHERE status = 'QUEUED' AND queue = ?").param(queue)
                    .query(Long.class).single();
            byStatus = counts;
            readAt = now;
        }
        return byStatus;
    }
}
