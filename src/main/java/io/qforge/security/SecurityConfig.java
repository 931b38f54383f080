package io.qforge.security;

import io.qforge.config.QforgeProperties;
import io.qforge.tenants.TenantStore;
import io.qforge.ui.Dashboard;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Who may call what. Every request passes {@link PathFirewall} first (a non-normalised path is a
 * 400 before any decision is made); a bearer token is resolved by {@link ApiKeyAuthenticationProvider};
 * then the rules, matched with the same path patterns and the same decoded, normalised path as
 * Spring MVC's router:
 * <ul>
 *   <li>{@code /v1/admin/**}: the admin token (authority ADMIN); when no admin token is set, nobody;</li>
 *   <li>{@code /v1/**}: a tenant's API key (authority TENANT);</li>
 *   <li>health, info, Prometheus metrics, the API contract and its UI, the dashboard's static files
 *       (GET; with a strict Content-Security-Policy, {@link Dashboard}): anyone;</li>
 *   <li>anything else: nobody (a new endpoint is closed until a rule opens it).</li>
 * </ul>
 * Stateless: no session, no CSRF token (no cookies are used), no form or basic login.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    /** A bean, so Spring Boot does not also make its default user with a generated password. */
    @Bean
    ApiKeyAuthenticationProvider apiKeyAuthenticationProvider(TenantStore tenants, QforgeProperties props) {
        return new ApiKeyAuthenticationProvider(tenants, props);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiKeyAuthenticationProvider keys, QforgeProperties props,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) throws Exception {
        var problems = new SecurityProblems(resolver);
        var bearer = new AuthenticationFilter(new ProviderManager(keys), new BearerTokens());
        bearer.setSuccessHandler((request, response, authentication) -> { });
        bearer.setFailureHandler(problems);

        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(bearer, AuthorizationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .headers(h -> h.addHeaderWriter(Dashboard.contentSecurityPolicy()))
                .authorizeHttpRequests(auth -> auth
                        // an async (SSE) or error dispatch belongs to a request already authorized
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/v1/admin/**").access(admin(props))
                        .requestMatchers("/v1/**").hasAuthority(ApiKeyAuthentication.TENANT)
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/info",
                                "/actuator/prometheus", "/openapi.yaml", "/swagger-ui.html", "/swagger-ui/**",
                                "/v3/api-docs", "/v3/api-docs/**").permitAll()
                        // the dashboard's static files (its data comes from /v1 with the key, sent by its scripts)
                        .requestMatchers(HttpMethod.GET, Dashboard.PATHS).permitAll()
                        .anyRequest().denyAll());
        return http.build();
    }

    /** The admin API exists only while an admin token is configured. */
    private static AuthorizationManager<RequestAuthorizationContext> admin(QforgeProperties props) {
        var hasAdmin = AuthorityAuthorizationManager.<RequestAuthorizationContext>hasAuthority(ApiKeyAuthentication.ADMIN);
        return (authentication, context) -> {
            String token = props.getBootstrap().getAdminToken();
            if (token == null || token.isBlank()) {
                return new AuthorizationDecision(false);
            }
            return hasAdmin.authorize(authentication, context);
        };
    }

    /**
     * No Micrometer observation around each of the chain's filters and each authentication and
     * authorization on every request: with observations on, Spring Security wraps every filter in
     * its own observation, a measurable share of a poll's CPU. Requests stay observed as a whole
     * ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    HttpFirewall httpFirewall() {
        return new PathFirewall();
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler(
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        return new SecurityProblems(resolver);
    }
}
