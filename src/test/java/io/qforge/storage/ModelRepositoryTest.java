package io.qforge.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.RepositoryTestBase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;

/** {@link ModelRepository} on the real PostgreSQL schema: jsonb summary, and every query bounded by the tenant. */
class ModelRepositoryTest extends RepositoryTestBase {
    @Autowired ModelRepository models;
    @Autowired EntityManager em;
    @Autowired EntityManagerFactory emf;

    static final ModelSummary SUMMARY = new ModelSummary(
            List.of(new ModelSummary.TensorSpec("x", "float32", List.of(-1L, 1L, 8L, 8L))),
            List.of(new ModelSummary.TensorSpec("y", "float32", List.of(-1L, 10L))),
            Map.of("Conv", 2, "Relu", 2, "Gemm", 1), 12345, 13);

    private ModelEntity model(UUID tenant, String name, long minute) {
        return models.saveAndFlush(new ModelEntity(UUID.randomUUID(), tenant, name, blob(), "b".repeat(64), 3, SUMMARY,
                minutes(minute)));
    }

    @Test
    void hibernateOnlyValidatesTheSchemaFlywayMade() {
        // this context started, so the entities matched the migrated schema
        assertThat(emf.getProperties()).containsEntry("hibernate.hbm2ddl.auto", "validate");
    }

    @Test
    void theSummaryIsAJsonbObjectAndReadsBackEqual() {
        var tenant = tenant();
        var saved = model(tenant, "m.onnx", 1);
        em.clear(); // read from the database, not the persistence context
        var read = models.findByTenantIdAndId(tenant, saved.getId()).orElseThrow();
        assertThat(read.getSummary()).isEqualTo(SUMMARY);
        assertThat(read.getCreatedAt()).isEqualTo(minutes(1));
        assertThat(read.getSha256()).isEqualTo("b".repeat(64));
        assertThat(jdbc.sql("SELECT jsonb_typeof(summary) || ' ' || (summary->>'opset') || ' ' || (summary->'ops'->>'Conv') FROM models WHERE id = ?")
                .param(saved.getId()).query(String.class).single()).isEqualTo("object 13 2");
    }

    @Test
    void anotherTenantNeitherFindsCountsNorDeletesIt() {
        var owner = tenant();
        var other = tenant();
        var m = model(owner, "mine.onnx", 1);
        assertThat(models.findByTenantIdAndId(other, m.getId())).isEmpty();
        assertThat(models.countByTenantId(other)).isZero();
        assertThat(models.findByTenantIdOrderByCreatedAtDescIdAsc(other, PageRequest.of(0, 10))).isEmpty();
        assertThat(models.deleteByTenantIdAndId(other, m.getId())).isZero();
        assertThat(models.findByTenantIdAndId(owner, m.getId())).isPresent();
        assertThat(models.deleteByTenantIdAndId(owner, m.getId())).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM models WHERE id = ?").param(m.getId()).query(Long.class).single()).isZero();
    }

    @Test
    void listsNewestFirstOnePageAtATime() {
        var tenant = tenant();
        var first = model(tenant, "1", 1);
        var third = model(tenant, "3", 3);
        var second = model(tenant, "2", 2);
        model(tenant(), "someone else's", 4);
        assertThat(models.findByTenantIdOrderByCreatedAtDescIdAsc(tenant, PageRequest.of(0, 2)))
                .extracting(ModelEntity::getId).containsExactly(third.getId(), second.getId());
        assertThat(models.findByTenantIdOrderByCreatedAtDescIdAsc(tenant, PageRequest.of(1, 2)))
                .extracting(ModelEntity::getId).containsExactly(first.getId());
        assertThat(models.countByTenantId(tenant)).isEqualTo(3);
    }

    @Test
    void aModelIsUsedOnceAJobRefersToIt() {
        var tenant = tenant();
        var m = model(tenant, "m", 1);
        assertThat(models.usedByJobs(m.getId())).isFalse();
        var d = DatasetRepositoryTest.dataset(tenant, blob(), 1);
        em.persist(d);
        em.flush();
        job(tenant, m.getId(), d.getId());
        assertThat(models.usedByJobs(m.getId())).isTrue();
    }
}
