package io.qforge.security;

import java.util.Collection;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A bearer token on its way through Spring Security: first unauthenticated (only the secret the
 * client sent), then, once {@link ApiKeyAuthenticationProvider} has resolved it, authenticated with
 * its principal (a {@link io.qforge.tenants.Tenant} or {@link #ADMIN_PRINCIPAL}) and authorities.
 * The secret is dropped as soon as the token is authenticated.
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {
    /** Authority of a tenant's API key: everything under {@code /v1/**} except the admin API. */
    public static final String TENANT = "TENANT";
    /** Authority of the bootstrap admin token: {@code /v1/admin/**} only. */
    public static final String ADMIN = "ADMIN";
    public static final String ADMIN_PRINCIPAL = "admin";

    private final Object principal;
    private String secret;

    private ApiKeyAuthentication(String secret, Object principal, Collection<? extends GrantedAuthority> authorities) {
        super(authorities);
        this.secret = secret;
        this.principal = principal;
        setAuthenticated(principal != null);
    }

    /** What the client sent: not yet authenticated. */
    public static ApiKeyAuthentication unauthenticated(String secret) {
        return new ApiKeyAuthentication(secret, null, List.of());
    }

    /** A resolved key (or the admin token) with its one authority. */
    public static ApiKeyAuthentication authenticated(Object principal, String authority) {
        return new ApiKeyAuthentication(null, principal, List.of(new SimpleGrantedAuthority(authority)));
    }

    public String secret() {
        return secret;
    }

    @Override
    public Object getCredentials() {
        return secret;
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public void eraseCredentials() {
        secret = null;
    }
}
