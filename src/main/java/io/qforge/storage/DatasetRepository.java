package io.qforge.storage;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** Dataset records; every query for a dataset takes the owning tenant's id (another tenant's dataset is not found). */
public interface DatasetRepository extends JpaRepository<DatasetEntity, UUID> {
    Optional<DatasetEntity> findByTenantIdAndId(UUID tenantId, UUID id);

    /** Newest first (ties by id), one page. */
    List<DatasetEntity> findByTenantIdOrderByCreatedAtDescIdAsc(UUID tenantId, Pageable page);

    long countByTenantId(UUID tenantId);

    /** Jobs are not entities (their rows belong to the queue, see JobQueue), hence SQL. */
    @Query(value = "SELECT EXISTS (SELECT 1 FROM jobs WHERE dataset_id = :id)", nativeQuery = true)
    boolean usedByJobs(UUID id);

    /** Deletes at once (not at flush), so the blob the row refers to can be deleted right after. */
    @Transactional
    @Modifying
    @Query("delete from DatasetEntity e where e.tenantId = :tenantId and e.id = :id")
    int deleteByTenantIdAndId(UUID tenantId, UUID id);
}
