package io.qforge.jobs;

import io.qforge.storage.BlobStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A job's output files ({@link ArtifactRepository}; bytes in {@link BlobStore}) and its report
 * ({@link ReportRepository}, JSONB). Reads take the tenant's id; writes come from the job's lease holder.
 */
@Repository
public class Artifacts {
    public record Artifact(UUID id, UUID jobId, String name, String contentType, UUID blobId, String sha256, long size,
                           OffsetDateTime createdAt) {
        static Artifact of(ArtifactEntity a) {
            return new Artifact(a.getId(), a.getJobId(), a.getName(), a.getContentType(), a.getBlobId(), a.getSha256(),
                    a.getSize(), a.getCreatedAt().atOffset(ZoneOffset.UTC));
        }
    }

    private final ArtifactRepository artifacts;
    private final ReportRepository reports;
    private final Clock clock;

    public Artifacts(ArtifactRepository artifacts, ReportRepository reports, Clock clock) {
        this.artifacts = artifacts;
        this.reports = reports;
        this.clock = clock;
    }

    /** Call inside the transaction that finishes the job (written at once: a duplicate name fails here). */
    public void add(UUID jobId, String name, String contentType, UUID blobId, String sha256, long size) {
        artifacts.saveAndFlush(new ArtifactEntity(UUID.randomUUID(), jobId, name, contentType, blobId, sha256, size,
                clock.instant()));
    }

    public List<Artifact> list(UUID tenantId, UUID jobId) {
        return artifacts.findOfJob(tenantId, jobId).stream().map(Artifact::of).toList();
    }

    public Optional<Artifact> find(UUID tenantId, UUID jobId, String name) {
        return artifacts.findOfJob(tenantId, jobId, name).map(Artifact::of);
    }

    /** Call inside the transaction that finishes the job. */
    @Transactional
    public void saveReport(UUID jobId, String json) {
        var at = clock.instant();
        reports.findById(jobId).ifPresentOrElse(r -> r.replace(json, at),
                () -> reports.save(new ReportEntity(jobId, json, at)));
        reports.flush();
    }

    public Optional<String> report(UUID tenantId, UUID jobId) {
        return reports.findOfJob(tenantId, jobId).map(ReportEntity::getBody);
    }
}
