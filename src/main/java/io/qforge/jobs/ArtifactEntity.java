package io.qforge.jobs;

import io.qforge.db.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code artifacts}: one output file of a job (bytes in {@link io.qforge.storage.BlobStore}). */
@Entity
@Table(name = "artifacts")
public class ArtifactEntity extends AssignedIdEntity {
    private UUID jobId;
    private String name;
    private String contentType;
    private UUID blobId;
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 64)
    private String sha256;
    private long size;
    private Instant createdAt;

    protected ArtifactEntity() {}

    public ArtifactEntity(UUID id, UUID jobId, String name, String contentType, UUID blobId, String sha256, long size,
            Instant createdAt) {
        super(id);
        this.jobId = jobId;
        this.name = name;
        this.contentType = contentType;
        this.blobId = blobId;
        this.sha256 = sha256;
        this.size = size;
        this.createdAt = createdAt;
    }

    public UUID getJobId() {
        return jobId;
    }

    public String getName() {
        return name;
    }

    public String getContentType() {
        return contentType;
    }

    public UUID getBlobId() {
        return blobId;
    }

    public String getSha256() {
        return sha256;
    }

    public long getSize() {
        return size;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
