package io.qforge.jobs;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/**
 * A job's artifacts, read only together with the tenant owning the job. Jobs are not entities (their
 * rows belong to the queue, see {@link JobQueue}), so the tenant is checked by SQL joining {@code jobs}.
 */
public interface ArtifactRepository extends JpaRepository<ArtifactEntity, UUID> {
    @Query(value = """
            SELECT a.* FROM artifacts a JOIN jobs j ON j.id = a.job_id
            WHERE j.tenant_id = :tenantId AND a.job_id = :jobId ORDER BY a.name""", nativeQuery = true)
    List<ArtifactEntity> findOfJob(UUID tenantId, UUID jobId);

    @Query(value = """
            SELECT a.* FROM artifacts a JOIN jobs j ON j.id = a.job_id
            WHERE j.tenant_id = :tenantId AND a.job_id = :jobId AND a.name = :name""", nativeQuery = true)
    Optional<ArtifactEntity> findOfJob(UUID tenantId, UUID jobId, String name);
}
