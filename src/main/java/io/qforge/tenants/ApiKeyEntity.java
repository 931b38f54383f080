package io.qforge.tenants;

import io.qforge.db.AssignedIdEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code api_keys}: the SHA-256 (hex) of a secret and its first characters; the secret
 * itself is never stored. The tenant is a plain id column (no association to load lazily).
 */
@Entity
@Table(name = "api_keys")
public class ApiKeyEntity extends AssignedIdEntity {
    private UUID tenantId;
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 64)
    private String keyHash;
    private String prefix;
    private Instant createdAt;
    private Instant revokedAt;

    protected ApiKeyEntity() {}

    public ApiKeyEntity(UUID id, UUID tenantId, String keyHash, String prefix, Instant createdAt) {
        super(id);
        this.tenantId = tenantId;
        this.keyHash = keyHash;
        this.prefix = prefix;
        this.createdAt = createdAt;
    }

    public UUID getTenantId() {
        return tenantId;
    }

    public String getKeyHash() {
        return keyHash;
    }

    public String getPrefix() {
        return prefix;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }
}
