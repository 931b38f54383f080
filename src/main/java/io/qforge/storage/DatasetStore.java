package io.qforge.storage;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Repository;

/** Dataset records ({@link DatasetRepository}; bytes in {@link BlobStore}), always looked up within a tenant. */
@Repository
public class DatasetStore {
    public record StoredDataset(UUID id, UUID tenantId, String name, String format, UUID blobId, String sha256,
                                long size, DatasetSummary summary, OffsetDateTime createdAt) {
        static StoredDataset of(DatasetEntity d) {
            return new StoredDataset(d.getId(), d.getTenantId(), d.getName(), d.getFormat(), d.getBlobId(),
                    d.getSha256(), d.getSize(), d.getSummary(), d.getCreatedAt().atOffset(ZoneOffset.UTC));
        }
    }

    private final DatasetRepository datasets;
    private final Clock clock;

    public DatasetStore(DatasetRepository datasets, Clock clock) {
        this.datasets = datasets;
        this.clock = clock;
    }

    /** Written at once (flushed), like the blob it refers to, within the caller's transaction. */
    public StoredDataset insert(UUID tenantId, String name, UUID blobId, String sha256, long size, DatasetSummary summary) {
        return StoredDataset.of(datasets.saveAndFlush(new DatasetEntity(UUID.randomUUID(), tenantId, name,
                summary.format(), blobId, sha256, size, summary, clock.instant())));
    }

    public Optional<StoredDataset> find(UUID tenantId, UUID id) {
        return datasets.findByTenantIdAndId(tenantId, id).map(StoredDataset::of);
    }

    public List<StoredDataset> list(UUID tenantId, int page, int size) {
        return datasets.findByTenantIdOrderByCreatedAtDescIdAsc(tenantId, PageRequest.of(page, size)).stream()
                .map(StoredDataset::of).toList();
    }

    public long count(UUID tenantId) {
        return datasets.countByTenantId(tenantId);
    }

    public boolean usedByJobs(UUID id) {
        return datasets.usedByJobs(id);
    }

    public void delete(UUID tenantId, UUID id) {
        datasets.deleteByTenantIdAndId(tenantId, id);
    }
}
