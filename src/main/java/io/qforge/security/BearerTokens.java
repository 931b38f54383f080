package io.qforge.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads {@code Authorization: Bearer <token>}; a request without one is not an authentication
 * attempt (it stays anonymous and the authorization rules answer 401 where a key is needed).
 */
public final class BearerTokens implements AuthenticationConverter {
    @Override
    public ApiKeyAuthentication convert(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : ApiKeyAuthentication.unauthenticated(token);
    }
}
