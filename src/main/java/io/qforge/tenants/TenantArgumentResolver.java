package io.qforge.tenants;

import io.qforge.api.ApiException;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Lets a controller method take the caller's {@link Tenant} as a parameter: the principal Spring
 * Security authenticated from the request's API key ({@code io.qforge.security}).
 */
@Configuration(proxyBeanMethods = false)
public class TenantArgumentResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {
    /** The tenant of the current request's API key, if it was authenticated with one. */
    public static Optional<Tenant> current() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Tenant t
                ? Optional.of(t) : Optional.empty();
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Tenant.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
            WebDataBinderFactory binderFactory) {
        return current().orElseThrow(() -> ApiException.unauthorized("No API key on this request"));
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }
}
