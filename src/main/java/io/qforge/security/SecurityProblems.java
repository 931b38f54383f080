package io.qforge.security;

import io.qforge.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Spring Security's failures written by the one {@code ProblemAdvice} (through the MVC exception
 * resolvers), so a 400/401/403 from the security layer has the same problem+json shape as any
 * other error: a rejected path is 400, a missing or invalid key 401 (with
 * {@code WWW-Authenticate: Bearer}), a key without the authority the route needs 403.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AuthenticationFailureHandler, AccessDeniedHandler,
        RequestRejectedHandler {
    private final HandlerExceptionResolver resolver;

    SecurityProblems(HandlerExceptionResolver resolver) {
        this.resolver = resolver;
    }

    /** No key (anonymous) on a route that needs one. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) {
        write(request, response, ApiException.unauthorized("Missing 'Authorization: Bearer <api key>' header"));
    }

    /** A key was sent and is not valid. */
    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException e) {
        write(request, response, ApiException.unauthorized(e.getMessage()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            org.springframework.security.access.AccessDeniedException e) {
        write(request, response, ApiException.forbidden("This key may not use " + request.getMethod() + " "
                + request.getRequestURI() + (request.getRequestURI().startsWith("/v1/admin/")
                        ? " (the admin API takes the admin token, qforge.bootstrap.admin-token)" : "")));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e) {
        write(request, response, ApiException.badRequest(e.getMessage()));
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ApiException e) {
        resolver.resolveException(request, response, null, e);
    }
}
