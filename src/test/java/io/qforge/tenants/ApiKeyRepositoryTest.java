package io.qforge.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.RepositoryTestBase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** {@link ApiKeyRepository} and {@link TenantRepository} on the real schema: lookups by key hash, revocation scoped to the tenant. */
class ApiKeyRepositoryTest extends RepositoryTestBase {
    @Autowired TenantRepository tenants;
    @Autowired ApiKeyRepository keys;

    private TenantEntity newTenant() {
        var id = UUID.randomUUID();
        return tenants.saveAndFlush(new TenantEntity(id, "k-" + id, T0));
    }

    private ApiKeyEntity newKey(TenantEntity tenant, String secret) {
        return keys.saveAndFlush(new ApiKeyEntity(UUID.randomUUID(), tenant.getId(), ApiKeys.hash(secret),
                ApiKeys.prefix(secret), T0));
    }

    @Test
    void anActiveKeyFindsItsTenantARevokedOneDoesNot() {
        var tenant = newTenant();
        String secret = ApiKeys.newSecret();
        var key = newKey(tenant, secret);
        assertThat(keys.findTenantOfActiveKey(ApiKeys.hash(secret))).map(TenantEntity::getId).contains(tenant.getId());
        assertThat(keys.findTenantOfActiveKey(ApiKeys.hash(ApiKeys.newSecret()))).isEmpty();

        assertThat(keys.revoke(tenant.getId(), key.getId(), minutes(1))).isEqualTo(1);
        assertThat(keys.revoke(tenant.getId(), key.getId(), minutes(2))).isZero(); // already revoked
        assertThat(keys.findTenantOfActiveKey(ApiKeys.hash(secret))).isEmpty();
        assertThat(jdbc.sql("SELECT revoked_at FROM api_keys WHERE id = ?").param(key.getId())
                .query(java.time.OffsetDateTime.class).single().toInstant()).isEqualTo(minutes(1));
    }

    @Test
    void anotherTenantCannotSeeOrRevokeTheKey() {
        var owner = newTenant();
        var other = newTenant();
        String secret = ApiKeys.newSecret();
        var key = newKey(owner, secret);
        assertThat(keys.findByTenantIdAndIdAndRevokedAtIsNull(other.getId(), key.getId())).isEmpty();
        assertThat(keys.revoke(other.getId(), key.getId(), minutes(1))).isZero();
        assertThat(keys.findTenantOfActiveKey(ApiKeys.hash(secret))).map(TenantEntity::getId).contains(owner.getId());
        assertThat(keys.findByTenantIdAndIdAndRevokedAtIsNull(owner.getId(), key.getId()))
                .map(ApiKeyEntity::getKeyHash).contains(ApiKeys.hash(secret));
    }

    @Test
    void tenantsAreFoundByTheirUniqueName() {
        var tenant = newTenant();
        assertThat(tenants.findByName(tenant.getName())).map(TenantEntity::getId).contains(tenant.getId());
        assertThat(tenants.findByName("no-such-" + UUID.randomUUID())).isEmpty();
    }
}
