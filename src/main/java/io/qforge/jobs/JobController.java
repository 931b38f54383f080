package io.qforge.jobs;

import io.qforge.api.ApiException;
import io.qforge.storage.Page;
import io.qforge.tenants.Tenant;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/jobs}: submit, list, get, cancel, events (JSON and live SSE), report. */
@RestController
public class JobController {
    private final JobService service;
    private final JobStore jobs;
    private final JobEvents events;
    private final EventStreams streams;
    private final Artifacts artifacts;
    private final JsonMapper json;
    private final Clock clock;

    public JobController(JobService service, JobStore jobs, JobEvents events, EventStreams streams, Artifacts artifacts,
            JsonMapper json, Clock clock) {
        this.service = service;
        this.jobs = jobs;
        this.events = events;
        this.streams = streams;
        this.artifacts = artifacts;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping(path = "/v1/jobs", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(Tenant tenant, @RequestBody JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        var submitted = service.submit(tenant.id(), body, idempotencyKey);
        var response = ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/v1/jobs/" + submitted.job().id()));
        if (submitted.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(JobView.of(submitted.job(), json, clock));
    }

    @GetMapping("/v1/jobs")
    Page<JobView> list(Tenant tenant, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        Page.check(page, size);
        JobStatus filter = null;
        if (status != null && !status.isBlank()) {
            try {
                filter = JobStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status must be one of " + Arrays.toString(JobStatus.values()) + ", got '" + status + "'");
            }
        }
        var items = jobs.list(tenant.id(), filter, page, size).stream().map(j -> JobView.of(j, json, clock)).toList();
        return new Page<>(items, page, size, jobs.count(tenant.id(), filter));
    }

    /**
     * At most one row read per {@code qforge.polling.job-cache-ttl} however many clients poll
     * ({@link JobSnapshots}), nothing that grows with the job; with the ETag of the last answer in
     * {@code If-None-Match}, an unchanged job is 304 without a body (the view is not even built).
     */
    @GetMapping("/v1/jobs/{id}")
    ResponseEntity<JobView> get(Tenant tenant, @PathVariable UUID id, ServletWebRequest request) {
        var snapshot = jobs.poll(tenant.id(), id).orElseThrow(() -> ApiException.notFound("Job", id));
        var job = snapshot.job();
        String etag = snapshot.etag();
        if (request.checkNotModified(etag)) {
            return null; // 304 with the ETag, already written
        }
        return ResponseEntity.ok().eTag(etag).cacheControl(CacheControl.noCache()).body(JobView.of(job, json, clock));
    }

    /** 200 when the job is now CANCELLED (it was queued); 202 when the running job was asked to stop. */
    @DeleteMapping("/v1/jobs/{id}")
    ResponseEntity<JobView> cancel(Tenant tenant, @PathVariable UUID id) {
        var job = service.cancel(tenant.id(), id);
        return ResponseEntity.status(job.status() == JobStatus.CANCELLED ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(JobView.of(job, json, clock));
    }

    public record EventView(long id, String type, java.time.OffsetDateTime at, JsonNode data) {}

    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    List<EventView> events(Tenant tenant, @PathVariable UUID id, @RequestParam(defaultValue = "0") long after,
            @RequestParam(defaultValue = "1000") int limit) {
        find(tenant, id);
        if (limit < 1 || limit > 10_000) throw ApiException.badRequest("limit must be 1..10000, got " + limit);
        return events.after(id, after, limit).stream()
                .map(e -> new EventView(e.id(), e.type(), e.at(), json.readTree(e.dataJson()))).toList();
    }

    /** Live: every event as it is recorded (SSE {@code id} = event id; resumes after {@code Last-Event-ID}). */
    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(Tenant tenant, @PathVariable UUID id,
            @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId) {
        find(tenant, id);
        return streams.open(id, lastEventId == null ? 0 : lastEventId);
    }

    @GetMapping(path = "/v1/jobs/{id}/report", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> report(Tenant tenant, @PathVariable UUID id) {
        var job = find(tenant, id);
        return artifacts.report(tenant.id(), id).map(body -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body))
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found",
                        "Job " + id + " has no report (status " + job.status() + "; the report exists once it SUCCEEDED)"));
    }

    Job find(Tenant tenant, UUID id) {
        return jobs.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("Job", id));
    }

}
