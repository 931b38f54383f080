package io.qforge.storage;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Model records (bytes in {@link BlobStore}), always looked up within a tenant. */
@Repository
public class ModelStore {
    public record StoredModel(UUID id, UUID tenantId, String name, UUID blobId, String sha256, long size,
                              ModelSummary summary, OffsetDateTime createdAt) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final RowMapper<StoredModel> mapper;

    public ModelStore(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.mapper = (rs, i) -> new StoredModel(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("name"), rs.getObject("blob_id", UUID.class), rs.getString("sha256"), rs.getLong("size"),
                json.readValue(rs.getString("summary"), ModelSummary.class),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    public StoredModel insert(UUID tenantId, String name, UUID blobId, String sha256, long size, ModelSummary summary) {
        var m = new StoredModel(UUID.randomUUID(), tenantId, name, blobId, sha256, size, summary, OffsetDateTime.now(clock));
        jdbc.sql("""
                INSERT INTO models (id, tenant_id, name, blob_id, sha256, size, summary, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)""")
                .params(m.id(), tenantId, name, blobId, sha256, size, json.writeValueAsString(summary), m.createdAt())
                .update();
        return m;
    }

    public Optional<StoredModel> find(UUID tenantId, UUID id) {
        return jdbc.sql("SELECT * FROM models WHERE tenant_id = ? AND id = ?").params(tenantId, id).query(mapper).optional();
    }

    public List<StoredModel> list(UUID tenantId, int page, int size) {
        return jdbc.sql("SELECT * FROM models WHERE tenant_id = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(tenantId, size, (long) page * size).query(mapper).list();
    }

    public long count(UUID tenantId) {
        return jdbc.sql("SELECT count(*) FROM models WHERE tenant_id = ?").param(tenantId).query(Long.class).single();
    }

    public boolean usedByJobs(UUID id) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM jobs WHERE model_id = ?)").param(id).query(Boolean.class).single();
    }

    public void delete(UUID id) {
        jdbc.sql("DELETE FROM models WHERE id = ?").param(id).update();
    }
}
