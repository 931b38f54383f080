package io.qforge.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's {@link StrictHttpFirewall} with its defaults (it rejects path parameters
 * ({@code ;}), encoded slashes, dots, percents and backslashes, {@code //}, {@code /./},
 * {@code /../} and non-printable characters), plus one rule of its own: a path may not
 * percent-encode an unreserved character ({@code %76} for {@code v}, {@code %61} for {@code a}).
 * RFC 3986 says such a path is not normalised, and there is no reason for a client to send one;
 * rejecting it means every decision after the firewall sees one spelling of each path.
 */
public final class PathFirewall extends StrictHttpFirewall {
    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (uri != null && encodesUnreserved(uri)) {
            throw new RequestRejectedException(
                    "The request was rejected because the URL percent-encodes a character that needs no encoding");
        }
        return super.getFirewalledRequest(request);
    }

    static boolean encodesUnreserved(String uri) {
        for (int i = uri.indexOf('%'); i >= 0 && i + 2 < uri.length(); i = uri.indexOf('%', i + 1)) {
            int hi = Character.digit(uri.charAt(i + 1), 16);
            int lo = Character.digit(uri.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) continue;
            char c = (char) (hi * 16 + lo);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_' || c == '~') {
                return true;
            }
        }
        return false;
    }
}
