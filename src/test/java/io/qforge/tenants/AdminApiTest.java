package io.qforge.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Making tenants and keys with the admin token; keys are stored hashed. */
class AdminApiTest extends ServiceTest {

    @Test
    void adminCreatesATenantWhoseKeyWorksAndIsStoredHashed() {
        var admin = new Http(port, "test-admin-token");
        String name = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        var res = admin.postJson("/v1/admin/tenants", "{\"name\": \"" + name + "\"}");
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        String key = res.json().get("apiKey").stringValue();
        assertThat(key).startsWith("qf_");
        assertThat(new Http(port, key).get("/v1/models").status()).isEqualTo(200);
        var stored = jdbc.sql("SELECT key_hash FROM api_keys WHERE id = ?::uuid").param(res.json().get("keyId").stringValue())
                .query(String.class).single();
        assertThat(stored).isEqualTo(ApiKeys.hash(key)).doesNotContain(key);

        var second = admin.postJson("/v1/admin/tenants/" + res.json().get("tenantId").stringValue() + "/keys", "");
        assertThat(second.status()).isEqualTo(201);
        assertThat(new Http(port, second.json().get("apiKey").stringValue()).get("/v1/models").status()).isEqualTo(200);

        assertThat(admin.postJson("/v1/admin/tenants", "{\"name\": \"" + name + "\"}").status()).isEqualTo(409);
        assertThat(admin.postJson("/v1/admin/tenants/" + UUID.randomUUID() + "/keys", "").status()).isEqualTo(404);
    }

    @Test
    void invalidTenantNameIs422WithTheField() {
        var res = new Http(port, "test-admin-token").unchecked().postJson("/v1/admin/tenants", "{\"name\": \"no spaces!\"}");
        assertThat(res.status()).isEqualTo(422);
        var error = res.json().get("errors").get(0);
        assertThat(error.get("field").stringValue()).isEqualTo("name");
        assertThat(error.get("message").stringValue()).isEqualTo("must be 1-64 letters, digits, '.', '_' or '-'");
    }

    @Test
    void tenantKeysAreNotAdminTokens() {
        var tenant = newTenant();
        var res = tenant.postJson("/v1/admin/tenants", "{\"name\": \"x\"}");
        assertThat(res.status()).isEqualTo(403);
        assertThat(new Http(port, null).unchecked().postJson("/v1/admin/tenants", "{\"name\": \"x\"}").status()).isEqualTo(401);
    }
}
