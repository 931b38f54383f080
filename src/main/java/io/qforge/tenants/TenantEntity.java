package io.qforge.tenants;

import io.qforge.db.AssignedIdEntity;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code tenants}; the rest of the service passes the {@link Tenant} value it maps to. */
@Entity
@Table(name = "tenants")
public class TenantEntity extends AssignedIdEntity {
    private String name;
    private Instant createdAt;

    protected TenantEntity() {}

    public TenantEntity(UUID id, String name, Instant createdAt) {
        super(id);
        this.name = name;
        this.createdAt = createdAt;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Tenant toTenant() {
        return new Tenant(getId(), name);
    }
}
