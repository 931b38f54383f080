package io.qforge.tenants;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** API keys; a key is only ever read or revoked together with its tenant's id. */
public interface ApiKeyRepository extends JpaRepository<ApiKeyEntity, UUID> {
    /** The tenant owning the unrevoked key with this hash. */
    @Query("""
            select t from ApiKeyEntity k join TenantEntity t on t.id = k.tenantId
            where k.keyHash = :keyHash and k.revokedAt is null""")
    Optional<TenantEntity> findTenantOfActiveKey(String keyHash);

    Optional<ApiKeyEntity> findByTenantIdAndIdAndRevokedAtIsNull(UUID tenantId, UUID id);

    /** 1 if this call revoked the key, 0 if it was not the tenant's or was revoked already (concurrently too). */
    @Transactional
    @Modifying
    @Query("""
            update ApiKeyEntity k set k.revokedAt = :at
            where k.tenantId = :tenantId and k.id = :id and k.revokedAt is null""")
    int revoke(UUID tenantId, UUID id, Instant at);
}
