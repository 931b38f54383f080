package io.qforge.jobs;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's history in {@code job_events}: SUBMITTED, CLAIMED, RESUMED, PHASE, EPOCH (metrics),
 * CANCEL_REQUESTED, REQUEUED, RELEASED, SUCCEEDED, FAILED, CANCELLED. Ids increase, so a reader
 * (the SSE stream) continues from the last id it saw.
 */
@Repository
public class JobEvents {
    public record Event(long id, UUID jobId, OffsetDateTime at, String type, String dataJson) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    public JobEvents(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    public void append(UUID jobId, String type, Map<String, ?> data) {
        jdbc.sql("INSERT INTO job_events (job_id, at, type, data) VALUES (?, ?, ?, ?::jsonb)")
                .params(jobId, OffsetDateTime.now(clock), type, json.writeValueAsString(data)).update();
    }

    public List<Event> after(UUID jobId, long afterId, int limit) {
        return jdbc.sql("SELECT id, job_id, at, type, data FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?")
                .params(jobId, afterId, limit)
                .query((rs, i) -> new Event(rs.getLong(1), rs.getObject(2, UUID.class),
                        rs.getObject(3, OffsetDateTime.class), rs.getString(4), rs.getString(5)))
                .list();
    }
}
