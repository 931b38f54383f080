package io.qforge.tenants;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.qforge.config.QforgeProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants and their hashed API keys ({@link TenantRepository}, {@link ApiKeyRepository}). Key
 * lookups are remembered for {@code qforge.auth.key-cache-ttl} (a bounded cache of key hash ->
 * tenant; only valid keys are kept), so authenticating a request does not read the database each time.
 */
@Repository
public class TenantStore {
    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final Clock clock;
    private final Cache<String, Tenant> byKeyHash;

    public TenantStore(TenantRepository tenants, ApiKeyRepository keys, Clock clock, QforgeProperties props) {
        this.tenants = tenants;
        this.keys = keys;
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
        var tenant = tenants.saveAndFlush(new TenantEntity(UUID.randomUUID(), name, clock.instant()));
        return createKey(tenant.toTenant());
    }

    @Transactional
    public NewKey createKey(Tenant tenant) {
        var secret = ApiKeys.newSecret();
        var key = keys.saveAndFlush(new ApiKeyEntity(UUID.randomUUID(), tenant.id(), ApiKeys.hash(secret),
                ApiKeys.prefix(secret), clock.instant()));
        return new NewKey(tenant, key.getId(), secret);
    }

    public Optional<Tenant> findByName(String name) {
        return tenants.findByName(name).map(TenantEntity::toTenant);
    }

    public Optional<Tenant> findById(UUID id) {
        return tenants.findById(id).map(TenantEntity::toTenant);
    }

    /** The tenant owning an unrevoked key with this secret (remembered for {@code qforge.auth.key-cache-ttl}). */
    public Optional<Tenant> findByKey(String secret) {
        String hash = ApiKeys.hash(secret);
        Tenant cached = byKeyHash.getIfPresent(hash);
        if (cached != null) return Optional.of(cached);
        var found = keys.findTenantOfActiveKey(hash).map(TenantEntity::toTenant);
        found.ifPresent(t -> byKeyHash.put(hash, t));
        return found;
    }

    /**
     * Revokes one key of a tenant; it stops authenticating at once in this process (other processes
     * sharing the database notice within {@code qforge.auth.key-cache-ttl}). False if there was no
     * such unrevoked key. The revoking update commits before the cache entry is dropped, so a
     * concurrent lookup cannot cache the key again from the not yet revoked row.
     */
    public boolean revokeKey(UUID tenantId, UUID keyId) {
        var key = keys.findByTenantIdAndIdAndRevokedAtIsNull(tenantId, keyId);
        if (key.isEmpty() || keys.revoke(tenantId, keyId, clock.instant()) != 1) return false;
        byKeyHash.invalidate(key.get().getKeyHash());
        return true;
    }

    public long countKeys() {
        return keys.count();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
