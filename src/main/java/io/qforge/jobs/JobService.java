package io.qforge.jobs;

import io.qforge.api.ApiException;
import io.qforge.api.FieldProblem;
import io.qforge.api.ValidationException;
import io.qforge.config.QforgeProperties;
import io.qforge.quota.TenantQuotas;
import io.qforge.storage.DatasetStore;
import io.qforge.storage.ModelStore;
import io.qforge.storage.SpooledUpload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Submitting and cancelling jobs: everything is validated before a job is queued. */
@Service
public class JobService {
    /** A submitted job, and whether it is the replay of an earlier request with the same Idempotency-Key. */
    public record Submitted(Job job, boolean replayed) {}

    private final JobStore jobs;
    private final JobEvents events;
    private final ModelStore models;
    private final DatasetStore datasets;
    private final JsonMapper json;
    private final TransactionTemplate tx;
    private final QforgeProperties props;
    private final TenantQuotas quotas;

    public JobService(JobStore jobs, JobEvents events, ModelStore models, DatasetStore datasets, JsonMapper json,
            TransactionTemplate tx, QforgeProperties props, TenantQuotas quotas) {
        this.quotas = quotas;
        this.jobs = jobs;
        this.events = events;
        this.models = models;
        this.datasets = datasets;
        this.json = json;
        this.tx = tx;
        this.props = props;
    }

    public Submitted submit(UUID tenantId, JsonNode body, String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ApiException.badRequest("Idempotency-Key must be 1..200 characters");
        }
        if (body == null || !body.isObject()) {
            throw new ValidationException("The request body must be a JSON object",
                    java.util.List.of(FieldProblem.of("", "must be a JSON object with modelId, datasetId and spec")));
        }
        String requestHash = sha256(body.toString());
        if (idempotencyKey != null) {
            var earlier = jobs.findByIdempotencyKey(tenantId, idempotencyKey);
            if (earlier.isPresent()) return replay(earlier.get(), requestHash);
        }
        var checked = check(tenantId, body, "The job was not queued");
        var model = checked.model();
        var dataset = checked.dataset();
        var spec = checked.spec();
        try {
            return tx.execute(s -> {
                quotas.lock(tenantId);
                quotas.checkActiveJobs(tenantId); // 429 + Retry-After past qforge.quotas.active-jobs
                var job = jobs.insert(tenantId, model.id(), dataset.id(), json.writeValueAsString(spec),
                        props.getWorkers().getQueue(), spec.epochs(), idempotencyKey, requestHash);
                events.append(job.id(), "SUBMITTED", Map.of("queue", job.queue()));
                return new Submitted(job, false);
            });
        } catch (DuplicateKeyException race) {
            // the same Idempotency-Key arrived twice at once: the other request won
            return replay(jobs.findByIdempotencyKey(tenantId, idempotencyKey).orElseThrow(), requestHash);
        }
    }

    /** A job request's model, dataset and resolved spec, all valid and paired. */
    public record Checked(io.qforge.storage.ModelStore.StoredModel model, io.qforge.storage.DatasetStore.StoredDataset dataset,
                          JobSpec spec) {}

    /**
     * Everything {@link #submit} checks before queueing (fields, ids, spec, pairing), without queueing.
     *
     * @throws ValidationException (422) listing every problem, whose detail starts with {@code what}
     */
    public Checked check(UUID tenantId, JsonNode body, String what) {
        if (body == null || !body.isObject()) {
            throw new ValidationException("The request body must be a JSON object",
                    java.util.List.of(FieldProblem.of("", "must be a JSON object with modelId, datasetId and spec")));
        }
        var problems = new ArrayList<FieldProblem>();
        for (String name : body.propertyNames()) {
            if (!name.equals("modelId") && !name.equals("datasetId") && !name.equals("spec")) {
                problems.add(new FieldProblem(name, "is not a job field (modelId, datasetId, spec)"
                        + JobSpecParser.didYouMean(name, new String[] {"modelId", "datasetId", "spec"}), null));
            }
        }
        var model = id(body, "modelId", problems).flatMap(id -> found(models.find(tenantId, id), "modelId", "model", id, problems));
        var dataset = id(body, "datasetId", problems).flatMap(id -> found(datasets.find(tenantId, id), "datasetId", "dataset", id, problems));
        var parsed = JobSpecParser.parse(body.get("spec"));
        problems.addAll(parsed.problems());
        if (model.isPresent() && dataset.isPresent()) {
            problems.addAll(Pairing.check(model.get().summary(), dataset.get().summary()));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(what + ": " + problems.size() + " problem(s)", problems);
        }
        return new Checked(model.get(), dataset.get(), parsed.spec());
    }

    private static Submitted replay(Job earlier, String requestHash) {
        if (!requestHash.equals(earlier.requestHash())) {
            throw ApiException.conflict("Idempotency-Key '" + earlier.idempotencyKey() + "' was already used for job "
                    + earlier.id() + " with a different request body");
        }
        return new Submitted(earlier, true);
    }

    /** Queued: CANCELLED now. Running: flagged, the worker stops at its next step. Finished: 409. */
    public Job cancel(UUID tenantId, UUID id) {
        var job = jobs.find(tenantId, id).orElseThrow(() -> ApiException.notFound("Job", id));
        if (job.status() == JobStatus.QUEUED && jobs.cancelQueued(tenantId, id)) {
            events.append(id, "CANCELLED", Map.of("while", "QUEUED"));
        } else if (jobs.requestCancel(tenantId, id)) {
            events.append(id, "CANCEL_REQUESTED", Map.of());
        } else {
            var now = jobs.find(tenantId, id).orElseThrow();
            if (now.status().terminal()) {
                throw ApiException.conflict("Job " + id + " is already " + now.status() + "; it cannot be cancelled");
            }
            return cancel(tenantId, id); // it moved between QUEUED and RUNNING meanwhile: try again
        }
        return jobs.find(tenantId, id).orElseThrow();
    }

    private static java.util.Optional<UUID> id(JsonNode body, String field, java.util.List<FieldProblem> problems) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            problems.add(FieldProblem.of(field, "is required"));
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(UUID.fromString(v.isString() ? v.stringValue() : v.toString()));
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, "must be a UUID", v.isString() ? v.stringValue() : v.toString()));
            return java.util.Optional.empty();
        }
    }

    private static <T> java.util.Optional<T> found(java.util.Optional<T> value, String field, String kind, UUID id,
            java.util.List<FieldProblem> problems) {
        if (value.isEmpty()) {
            problems.add(new FieldProblem(field, kind + " " + id + " does not exist", id.toString()));
        }
        return value;
    }

    private static String sha256(String s) {
        return HexFormat.of().formatHex(SpooledUpload.newDigest().digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
