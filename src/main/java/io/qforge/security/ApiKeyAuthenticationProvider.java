package io.qforge.security;

import io.qforge.config.QforgeProperties;
import io.qforge.tenants.TenantStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/**
 * Resolves a bearer token: the bootstrap admin token (compared in constant time; only when
 * {@code qforge.bootstrap.admin-token} is set) gets {@link ApiKeyAuthentication#ADMIN}; a tenant's
 * API key (looked up by its SHA-256 hash, never stored in clear) gets
 * {@link ApiKeyAuthentication#TENANT} with the {@link io.qforge.tenants.Tenant} as principal.
 */
public final class ApiKeyAuthenticationProvider implements AuthenticationProvider {
    private final TenantStore tenants;
    private final QforgeProperties props;

    public ApiKeyAuthenticationProvider(TenantStore tenants, QforgeProperties props) {
        this.tenants = tenants;
        this.props = props;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String secret = ((ApiKeyAuthentication) authentication).secret();
        if (isAdminToken(secret)) {
            return ApiKeyAuthentication.authenticated(ApiKeyAuthentication.ADMIN_PRINCIPAL, ApiKeyAuthentication.ADMIN);
        }
        return tenants.findByKey(secret)
                .map(t -> ApiKeyAuthentication.authenticated(t, ApiKeyAuthentication.TENANT))
                .orElseThrow(() -> new BadCredentialsException("The API key is not valid"));
    }

    private boolean isAdminToken(String secret) {
        String admin = props.getBootstrap().getAdminToken();
        return admin != null && !admin.isBlank() && MessageDigest.isEqual(
                admin.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiKeyAuthentication.class.isAssignableFrom(authentication);
    }
}
