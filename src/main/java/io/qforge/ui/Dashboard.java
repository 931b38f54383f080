package io.qforge.ui;

import org.springframework.security.web.header.HeaderWriter;

/**
 * The web dashboard: static files under {@code /ui/} (plain ES modules, {@code src/main/resources/static/ui})
 * and Chart.js from its WebJar under {@code /webjars/chart.js/}. Anyone may GET them; every piece of
 * data they show comes from {@code /v1} with the API key the user typed, which the scripts keep in
 * {@code sessionStorage} and send as {@code Authorization: Bearer} (never in a URL, never in a cookie).
 */
public final class Dashboard {
    /** The paths the dashboard is served from (GET only), opened by {@code SecurityConfig}. */
    public static final String[] PATHS = {"/", "/ui", "/ui/", "/ui/**", "/webjars/chart.js/**"};

    /**
     * No inline script or style, nothing from another origin, no plugins, no framing, no form
     * posts: the pages' own scripts and styles and {@code fetch} to this origin only.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private Dashboard() {
    }

    /** Adds {@link #CONTENT_SECURITY_POLICY} to the dashboard's responses. */
    public static HeaderWriter contentSecurityPolicy() {
        return (request, response) -> {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            if (path.equals("/") || path.equals("/ui") || path.startsWith("/ui/")) {
                response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                response.setHeader("Referrer-Policy", "no-referrer");
            }
        };
    }
}
