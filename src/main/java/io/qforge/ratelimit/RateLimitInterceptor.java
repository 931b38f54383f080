package io.qforge.ratelimit;

import io.qforge.api.ApiException;
import io.qforge.tenants.Tenant;
import io.qforge.tenants.TenantArgumentResolver;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Applies {@link TenantRateLimiter} to every authenticated {@code /v1/**} request before its
 * handler runs: over the rate, a 429 problem with {@code Retry-After} (whole seconds, at least 1).
 * Requests without a tenant (admin, or refused by authentication) are not counted here.
 */
public class RateLimitInterceptor implements HandlerInterceptor {
    private final TenantRateLimiter limiter;

    public RateLimitInterceptor(TenantRateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getDispatcherType() != DispatcherType.REQUEST) return true; // async/error dispatches were counted
        Tenant tenant = tenantOf(request);
        if (tenant == null) return true;
        limiter.tryAcquire(tenant.id()).ifPresent(wait -> {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                    "Tenant '" + tenant.name() + "' is over its request rate (qforge.limits.requests-per-second); retry in "
                            + seconds + " s").withHeader("Retry-After", Long.toString(seconds));
        });
        return true;
    }

    /** The tenant Spring Security authenticated from the request's API key, as controllers get it. */
    static Tenant tenantOf(HttpServletRequest request) {
        return TenantArgumentResolver.current().orElse(null);
    }
}
