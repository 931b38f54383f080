package io.qforge.jobs;

import io.qforge.api.ApiException;
import io.qforge.tenants.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/job-spec}: the spec's fields with their defaults and ranges (the table the server
 * validates with, {@link JobSpecFields}), and a check of a whole job request (fields, ids, spec,
 * pairing of model and dataset) that queues nothing: the dashboard's job form is built from the
 * first and shows the problems of the second before it submits.
 */
@RestController
public class JobSpecController {
    private final JobService service;

    public JobSpecController(JobService service) {
        this.service = service;
    }

    public record Fields(List<Map<String, Object>> fields) {}

    public record Check(boolean valid, JobSpec spec) {}

    /** Takes no parameters: a query string is refused (400) rather than ignored. */
    @GetMapping(path = "/v1/job-spec", produces = MediaType.APPLICATION_JSON_VALUE)
    Fields fields(Tenant tenant, HttpServletRequest request) {
        if (request.getQueryString() != null) {
            throw ApiException.badRequest("GET /v1/job-spec takes no parameters, got '" + request.getQueryString() + "'");
        }
        return new Fields(JobSpecFields.ALL.stream().map(JobSpecFields.Field::view).toList());
    }

    /** 200 with the resolved spec when {@code POST /v1/jobs} would queue this body; else the same 422. */
    @PostMapping(path = "/v1/job-spec/check", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Check check(Tenant tenant, @RequestBody JsonNode body) {
        return new Check(true, service.check(tenant.id(), body, "The job would not be queued").spec());
    }
}
