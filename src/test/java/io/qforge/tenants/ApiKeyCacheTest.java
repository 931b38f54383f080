package io.qforge.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** API-key lookups are remembered for {@code qforge.auth.key-cache-ttl}; revoking a key here ends it at once. */
class ApiKeyCacheTest extends ServiceTest {
    @Autowired
    QforgeProperties props;

    @Test
    void aKeyIsReadFromTheDatabaseOnlyOncePerTtl() {
        var key = tenants.createTenant("cache-" + java.util.UUID.randomUUID());
        assertThat(tenants.findByKey(key.secret())).contains(key.tenant());
        // revoked behind this process's back (as another instance would): still cached ...
        jdbc.sql("UPDATE api_keys SET revoked_at = now() WHERE id = ?").param(key.keyId()).update();
        assertThat(tenants.findByKey(key.secret())).contains(key.tenant());
        // ... until the TTL has passed
        clock.advance(props.getAuth().getKeyCacheTtl().plusMillis(1));
        assertThat(tenants.findByKey(key.secret())).isEmpty();
        assertThat(new Http(port, key.secret()).get("/v1/jobs").status()).isEqualTo(401);
    }

    @Test
    void aKeyRevokedThroughTheStoreStopsAtOnce() {
        var key = tenants.createTenant("revoke-" + java.util.UUID.randomUUID());
        var other = tenants.createKey(key.tenant());
        var api = new Http(port, key.secret());
        assertThat(api.get("/v1/jobs").status()).isEqualTo(200); // now cached

        assertThat(tenants.revokeKey(key.tenant().id(), key.keyId())).isTrue();
        assertThat(api.get("/v1/jobs").status()).isEqualTo(401);
        assertThat(tenants.revokeKey(key.tenant().id(), key.keyId())).isFalse(); // already revoked
        assertThat(new Http(port, other.secret()).get("/v1/jobs").status()).isEqualTo(200); // the tenant's other key
    }
}
