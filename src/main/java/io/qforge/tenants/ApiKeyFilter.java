package io.qforge.tenants;

import io.qforge.api.ApiException;
import io.qforge.config.QforgeProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Authenticates every {@code /v1/**} request before anything is read from its body (so an
 * unauthenticated upload is refused before it is spooled): {@code Authorization: Bearer <key>}
 * resolves to a {@link Tenant} stored as a request attribute; {@code /v1/admin/**} instead needs
 * the bootstrap admin token. Failures go through the MVC exception resolvers, so the one
 * {@code ProblemAdvice} writes the 401/404.
 */
@Component
public class ApiKeyFilter extends OncePerRequestFilter {
    public static final String TENANT_ATTRIBUTE = ApiKeyFilter.class.getName() + ".tenant";

    private final TenantStore tenants;
    private final QforgeProperties props;
    private final HandlerExceptionResolver resolver;

    public ApiKeyFilter(TenantStore tenants, QforgeProperties props,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        this.tenants = tenants;
        this.props = props;
        this.resolver = resolver;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            String token = bearer(request);
            if (request.getRequestURI().startsWith("/v1/admin/")) {
                checkAdmin(token);
            } else {
                if (token == null) {
                    throw ApiException.unauthorized("Missing 'Authorization: Bearer <api key>' header");
                }
                var tenant = tenants.findByKey(token)
                        .orElseThrow(() -> ApiException.unauthorized("The API key is not valid"));
                request.setAttribute(TENANT_ATTRIBUTE, tenant);
            }
        } catch (ApiException e) {
            resolver.resolveException(request, response, null, e);
            return;
        }
        chain.doFilter(request, response);
    }

    private void checkAdmin(String token) {
        String admin = props.getBootstrap().getAdminToken();
        if (admin == null || admin.isBlank()) {
            throw ApiException.notFound("Endpoint", "/v1/admin (set qforge.bootstrap.admin-token to enable it)");
        }
        if (token == null || !MessageDigest.isEqual(admin.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.unauthorized("The admin token is not valid");
        }
    }

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
