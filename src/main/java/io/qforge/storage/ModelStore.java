package io.qforge.storage;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Repository;

/** Model records ({@link ModelRepository}; bytes in {@link BlobStore}), always looked up within a tenant. */
@Repository
public class ModelStore {
    public record StoredModel(UUID id, UUID tenantId, String name, UUID blobId, String sha256, long size,
                              ModelSummary summary, OffsetDateTime createdAt) {
        static StoredModel of(ModelEntity m) {
            return new StoredModel(m.getId(), m.getTenantId(), m.getName(), m.getBlobId(), m.getSha256(), m.getSize(),
                    m.getSummary(), m.getCreatedAt().atOffset(ZoneOffset.UTC));
        }
    }

    private final ModelRepository models;
    private final Clock clock;

    public ModelStore(ModelRepository models, Clock clock) {
        this.models = models;
        this.clock = clock;
    }

    /** Written at once (flushed), like the blob it refers to, within the caller's transaction. */
    public StoredModel insert(UUID tenantId, String name, UUID blobId, String sha256, long size, ModelSummary summary) {
        return StoredModel.of(models.saveAndFlush(
                new ModelEntity(UUID.randomUUID(), tenantId, name, blobId, sha256, size, summary, clock.instant())));
    }

    public Optional<StoredModel> find(UUID tenantId, UUID id) {
        return models.findByTenantIdAndId(tenantId, id).map(StoredModel::of);
    }

    public List<StoredModel> list(UUID tenantId, int page, int size) {
        return models.findByTenantIdOrderByCreatedAtDescIdAsc(tenantId, PageRequest.of(page, size)).stream()
                .map(StoredModel::of).toList();
    }

    public long count(UUID tenantId) {
        return models.countByTenantId(tenantId);
    }

    public boolean usedByJobs(UUID id) {
        return models.usedByJobs(id);
    }

    public void delete(UUID tenantId, UUID id) {
        models.deleteByTenantIdAndId(tenantId, id);
    }
}
