package io.qforge.db;

import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import java.util.UUID;
import org.springframework.data.domain.Persistable;

/**
 * An entity whose uuid id the application assigns (as every qforge row's). Spring Data's
 * {@code save} asks {@link #isNew()}: true until the row is persisted or loaded, so a new record
 * is inserted with one {@code INSERT} instead of a {@code merge} that first SELECTs the id.
 */
@MappedSuperclass
public abstract class AssignedIdEntity implements Persistable<UUID> {
    @Id
    private UUID id;

    @Transient
    private boolean fresh = true;

    protected AssignedIdEntity() {}

    protected AssignedIdEntity(UUID id) {
        this.id = id;
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void stored() {
        fresh = false;
    }
}
