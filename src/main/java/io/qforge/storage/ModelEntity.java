package io.qforge.storage;

import io.qforge.db.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code models}: an uploaded ONNX model's metadata and its {@link ModelSummary} (jsonb).
 * The bytes are in {@link BlobStore}, referenced by {@code blobId} (a plain column, not an
 * association: JPA never loads a blob).
 */
@Entity
@Table(name = "models")
public class ModelEntity extends AssignedIdEntity {
    private UUID tenantId;
    private String name;
    private UUID blobId;
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 64)
    private String sha256;
    private long size;
    @JdbcTypeCode(SqlTypes.JSON)
    private ModelSummary summary;
    private Instant createdAt;

    protected ModelEntity() {}

    public ModelEntity(UUID id, UUID tenantId, String name, UUID blobId, String sha256, long size,
            ModelSummary summary, Instant createdAt) {
        super(id);
        this.tenantId = tenantId;
        this.name = name;
        this.blobId = blobId;
        this.sha256 = sha256;
        this.size = size;
        this.summary = summary;
        this.createdAt = createdAt;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public String getName() {
        return name;
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

    public ModelSummary getSummary() {
        return summary;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
