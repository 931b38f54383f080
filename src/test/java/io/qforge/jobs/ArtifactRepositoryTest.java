package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.storage.DatasetEntity;
import io.qforge.storage.DatasetSummary;
import io.qforge.storage.ModelEntity;
import io.qforge.storage.ModelSummary;
import io.qforge.support.RepositoryTestBase;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import tools.jackson.databind.json.JsonMapper;

/** {@link ArtifactRepository} and {@link ReportRepository}: a job's outputs are read only with the tenant owning the job. */
class ArtifactRepositoryTest extends RepositoryTestBase {
    @Autowired ArtifactRepository artifacts;
    @Autowired ReportRepository reports;
    @Autowired EntityManager em;
    @Autowired JsonMapper json;

    private UUID jobOf(UUID tenant) {
        var model = new ModelEntity(UUID.randomUUID(), tenant, "m", blob(), "a".repeat(64), 3,
                new ModelSummary(List.of(), List.of(), Map.of(), 0, 13), T0);
        var dataset = new DatasetEntity(UUID.randomUUID(), tenant, "d", "npz", blob(), "a".repeat(64), 3,
                new DatasetSummary("npz", List.of(), List.of(), 2, 1, 1), T0);
        em.persist(model);
        em.persist(dataset);
        em.flush();
        return job(tenant, model.getId(), dataset.getId());
    }

    private ArtifactEntity artifact(UUID job, String name) {
        return artifacts.saveAndFlush(new ArtifactEntity(UUID.randomUUID(), job, name, "application/octet-stream",
                blob(), "d".repeat(64), 3, minutes(5)));
    }

    @Test
    void artifactsAreListedByNameForTheJobsTenantOnly() {
        var owner = tenant();
        var job = jobOf(owner);
        artifact(job, "model.int8.onnx");
        artifact(job, "encodings.json");
        artifact(jobOf(owner), "model.int8.onnx"); // another job of the same tenant
        em.clear();
        assertThat(artifacts.findOfJob(owner, job)).extracting(ArtifactEntity::getName)
                .containsExactly("encodings.json", "model.int8.onnx");
        assertThat(artifacts.findOfJob(owner, job, "encodings.json")).map(ArtifactEntity::getCreatedAt).contains(minutes(5));

        var other = tenant();
        assertThat(artifacts.findOfJob(other, job)).isEmpty();
        assertThat(artifacts.findOfJob(other, job, "encodings.json")).isEmpty();
    }

    @Test
    void anArtifactNameIsUniqueWithinItsJob() {
        var job = jobOf(tenant());
        artifact(job, "model.int8.onnx");
        assertThatThrownBy(() -> artifact(job, "model.int8.onnx")).isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void theReportIsJsonbReadOnlyWithTheJobsTenant() {
        var owner = tenant();
        var job = jobOf(owner);
        String body = "{\"fp32\": {\"accuracy\": 0.9375}, \"sizes\": {\"fp32\": 1000, \"int8\": 280}}";
        reports.saveAndFlush(new ReportEntity(job, body, minutes(6)));
        em.clear();
        var read = reports.findOfJob(owner, job).orElseThrow();
        assertThat(json.readTree(read.getBody())).isEqualTo(json.readTree(body));
        assertThat(jdbc.sql("SELECT body->'sizes'->>'int8' FROM reports WHERE job_id = ?").param(job)
                .query(String.class).single()).isEqualTo("280");
        assertThat(reports.findOfJob(tenant(), job)).isEmpty();
    }
}
