package io.qforge.ratelimit;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers the per-tenant rate limit on the API ({@code /v1/**}, not {@code /v1/admin/**}). */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfig implements WebMvcConfigurer {
    private final TenantRateLimiter limiter;

    public RateLimitConfig(TenantRateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RateLimitInterceptor(limiter)).addPathPatterns("/v1/**")
                .excludePathPatterns("/v1/admin/**");
    }
}
