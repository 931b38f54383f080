package io.qforge.tenants;

import io.qforge.api.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Creating tenants and keys. Enabled only when {@code qforge.bootstrap.admin-token} is set, and
 * then called with {@code Authorization: Bearer <admin token>} (checked by {@code io.qforge.security.SecurityConfig}).
 */
@RestController
public class AdminController {
    private final TenantStore tenants;

    public AdminController(TenantStore tenants) {
        this.tenants = tenants;
    }

    public record CreateTenant(@NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}",
            message = "must be 1-64 letters, digits, '.', '_' or '-'") String name) {}

    public record KeyCreated(UUID tenantId, String tenantName, UUID keyId, String apiKey) {
        static KeyCreated of(TenantStore.NewKey k) {
            return new KeyCreated(k.tenant().id(), k.tenant().name(), k.keyId(), k.secret());
        }
    }

    @PostMapping("/v1/admin/tenants")
    @ResponseStatus(HttpStatus.CREATED)
    KeyCreated createTenant(@Valid @RequestBody CreateTenant body) {
        if (tenants.findByName(body.name()).isPresent()) {
            throw ApiException.conflict("Tenant '" + body.name() + "' already exists");
        }
        return KeyCreated.of(tenants.createTenant(body.name()));
    }

    @PostMapping("/v1/admin/tenants/{tenantId}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    KeyCreated createKey(@PathVariable UUID tenantId) {
        var tenant = tenants.findById(tenantId).orElseThrow(() -> ApiException.notFound("Tenant", tenantId));
        return KeyCreated.of(tenants.createKey(tenant));
    }
}
