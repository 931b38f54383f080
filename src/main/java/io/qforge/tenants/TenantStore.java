package io.qforge.tenants;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Tenants and their hashed API keys. */
@Repository
public class TenantStore {
    private final JdbcClient jdbc;
    private final Clock clock;

    public TenantStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A new tenant with its first API key; the returned secret is not stored anywhere. */
    public record NewKey(Tenant tenant, UUID keyId, String secret) {}

    @Transactional
    public NewKey createTenant(String name) {
        var id = UUID.randomUUID();
        jdbc.sql("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)")
                .params(id, name, now()).update();
        return createKey(new Tenant(id, name));
    }

    public NewKey createKey(Tenant tenant) {
        var secret = ApiKeys.newSecret();
        var keyId = UUID.randomUUID();
        jdbc.sql("INSERT INTO api_keys (id, tenant_id, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(keyId, tenant.id(), ApiKeys.hash(secret), ApiKeys.prefix(secret), now()).update();
        return new NewKey(tenant, keyId, secret);
    }

    public Optional<Tenant> findByName(String name) {
        return jdbc.sql("SELECT id, name FROM tenants WHERE name = ?").param(name)
                .query((rs, i) -> new Tenant(rs.getObject(1, UUID.class), rs.getString(2))).optional();
    }

    public Optional<Tenant> findById(UUID id) {
        return jdbc.sql("SELECT id, name FROM tenants WHERE id = ?").param(id)
                .query((rs, i) -> new Tenant(rs.getObject(1, UUID.class), rs.getString(2))).optional();
    }

    /** The tenant owning an unrevoked key with this secret. */
    public Optional<Tenant> findByKey(String secret) {
        return jdbc.sql("""
                SELECT t.id, t.name FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE k.key_hash = ? AND k.revoked_at IS NULL""")
                .param(ApiKeys.hash(secret))
                .query((rs, i) -> new Tenant(rs.getObject(1, UUID.class), rs.getString(2))).optional();
    }

    public long countKeys() {
        return jdbc.sql("SELECT count(*) FROM api_keys").query(Long.class).single();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
