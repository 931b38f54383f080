package io.qforge.jobs;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Job reports, read only together with the tenant owning the job (SQL joining {@code jobs}, see {@link ArtifactRepository}). */
public interface ReportRepository extends JpaRepository<ReportEntity, UUID> {
    @Query(value = """
            SELECT r.* FROM reports r JOIN jobs j ON j.id = r.job_id
            WHERE j.tenant_id = :tenantId AND r.job_id = :jobId""", nativeQuery = true)
    Optional<ReportEntity> findOfJob(UUID tenantId, UUID jobId);
}
