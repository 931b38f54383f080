package io.qforge.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.RepositoryTestBase;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;

/** {@link DatasetRepository} on the real PostgreSQL schema: jsonb summary, and every query bounded by the tenant. */
class DatasetRepositoryTest extends RepositoryTestBase {
    @Autowired DatasetRepository datasets;
    @Autowired EntityManager em;

    static final DatasetSummary SUMMARY = new DatasetSummary("npz",
            List.of(new DatasetSummary.ArrayInfo("x_train", "<f4", List.of(100L, 1L, 8L, 8L)),
                    new DatasetSummary.ArrayInfo("y_train", "<i4", List.of(100L))),
            List.of(1L, 8L, 8L), 10, 100, 20);

    static DatasetEntity dataset(UUID tenant, UUID blob, long minute) {
        return new DatasetEntity(UUID.randomUUID(), tenant, "d-" + minute, "npz", blob, "c".repeat(64), 3, SUMMARY,
                minutes(minute));
    }

    @Test
    void theSummaryIsAJsonbObjectAndReadsBackEqual() {
        var tenant = tenant();
        var saved = datasets.saveAndFlush(dataset(tenant, blob(), 1));
        em.clear();
        var read = datasets.findByTenantIdAndId(tenant, saved.getId()).orElseThrow();
        assertThat(read.getSummary()).isEqualTo(SUMMARY);
        assertThat(read.getFormat()).isEqualTo("npz");
        assertThat(jdbc.sql("SELECT (summary->'sampleShape')::text FROM datasets WHERE id = ?")
                .param(saved.getId()).query(String.class).single()).isEqualTo("[1, 8, 8]");
    }

    @Test
    void anotherTenantNeitherFindsListsCountsNorDeletesIt() {
        var owner = tenant();
        var other = tenant();
        var d = datasets.saveAndFlush(dataset(owner, blob(), 1));
        var older = datasets.saveAndFlush(dataset(owner, blob(), 0));
        assertThat(datasets.findByTenantIdAndId(other, d.getId())).isEmpty();
        assertThat(datasets.findByTenantIdOrderByCreatedAtDescIdAsc(other, PageRequest.of(0, 10))).isEmpty();
        assertThat(datasets.countByTenantId(other)).isZero();
        assertThat(datasets.deleteByTenantIdAndId(other, d.getId())).isZero();
        assertThat(datasets.findByTenantIdOrderByCreatedAtDescIdAsc(owner, PageRequest.of(0, 10)))
                .extracting(DatasetEntity::getId).containsExactly(d.getId(), older.getId());
        assertThat(datasets.deleteByTenantIdAndId(owner, d.getId())).isEqualTo(1);
        assertThat(datasets.countByTenantId(owner)).isEqualTo(1);
    }
}
