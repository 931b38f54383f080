package io.qforge.tenants;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.qforge.config.QforgeProperties;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants and their hashed API keys. Key lookups are remembered for
 * {@code qforge.auth.key-cache-ttl} (a bounded cache of key hash -> tenant; only valid keys are
 * kept), so authenticating a request does not read the database each time.
 */
@Repository
public class TenantStore {
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Cache<String, Tenant> byKeyHash;

    public TenantStore(JdbcClient jdbc, Clock clock, QforgeProperties props) {
        this.jdbc = jdbc;
        this.clock = clock;
        var auth = props.getAuth();
        this.byKeyHash = Caffeine.newBuilder()
                .maximumSize(auth.getKeyCacheTtl().isZero() ? 0 : auth.getKeyCacheSize())
                .expireAfterWrite(auth.getKeyCacheTtl())
                .ticker(() -> nanos(clock.instant()))
                .build();
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

    /** The tenant owning an unrevoked key with this secret (remembered for {@code qforge.auth.key-cache-ttl}). */
    public Optional<Tenant> findByKey(String secret) {
        String hash = ApiKeys.hash(secret);
        Tenant cached = byKeyHash.getIfPresent(hash);
        if (cached != null) return Optional.of(cached);
        var found = jdbc.sql("""
                SELECT t.id, t.name FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE k.key_hash = ? AND k.revoked_at IS NULL""")
                .param(hash)
                .query((rs, i) -> new Tenant(rs.getObject(1, UUID.class), rs.getString(2))).optional();
        found.ifPresent(t -> byKeyHash.put(hash, t));
        return found;
    }

    /**
     * Revokes one key of a tenant; it stops authenticating at once in this process (other processes
     * sharing the database notice within {@code qforge.auth.key-cache-ttl}). False if there was no
     * such unrevoked key.
     */
    public boolean revokeKey(UUID tenantId, UUID keyId) {
        var hash = jdbc.sql("""
                UPDATE api_keys SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL
                RETURNING key_hash""")
                .params(now(), keyId, tenantId).query(String.class).optional();
        hash.ifPresent(byKeyHash::invalidate);
        return hash.isPresent();
    }

    public long countKeys() {
        return jdbc.sql("SELECT count(*) FROM api_keys").query(Long.class).single();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
