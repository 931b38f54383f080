package io.qforge.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place HTTP errors are made: every failure becomes an RFC 9457 problem
 * ({@code application/problem+json}) with type, title, status, detail and instance, plus
 * {@code errors} for validation. 5xx are logged at error with the stack, 4xx at debug; a client
 * never sees a stack trace or an exception message it was not meant to see.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        log.debug("{} {} -> {}: {}", request.getMethod(), request.getRequestURI(), e.status(), e.getMessage());
        var problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        problem.setType(e.type());
        problem.setTitle(e.title());
        problem.setInstance(instance(request.getRequestURI()));
        if (e instanceof ValidationException v) {
            problem.setProperty("errors", v.errors());
        }
        var headers = new HttpHeaders();
        e.headers().forEach(headers::set);
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"qforge\"");
        }
        return ResponseEntity.status(e.status()).headers(headers).body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An internal error occurred; it has been logged.");
        problem.setType(URI.create("https://qforge.io/problems/internal"));
        problem.setTitle("Internal error");
        problem.setInstance(instance(request.getRequestURI()));
        return ResponseEntity.internalServerError().body(problem);
    }

    /** Bean-validation failures of request bodies: 422 with one entry per field. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> new FieldProblem(f.getField(), f.getDefaultMessage(), f.getRejectedValue()))
                .toList();
        var v = new ValidationException("The request body has " + errors.size() + " invalid field(s)", errors);
        var problem = ProblemDetail.forStatusAndDetail(v.status(), v.getMessage());
        problem.setType(v.type());
        problem.setTitle(v.title());
        problem.setProperty("errors", errors);
        return handleExceptionInternal(ex, problem, headers, v.status(), request);
    }

    /** Framework-made problems (405, 415, 400 for unreadable bodies, ...): same shape, no internals. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (statusCode.is5xxServerError()) {
            log.error("request failed", ex);
        } else {
            log.debug("request rejected: {}", ex.toString());
        }
        if (body instanceof ProblemDetail pd && pd.getInstance() == null
                && request instanceof org.springframework.web.context.request.ServletWebRequest swr) {
            pd.setInstance(instance(swr.getRequest().getRequestURI()));
        }
        var response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail pd
                && (pd.getType() == null || "about:blank".equals(pd.getType().toString()))) {
            // a typed problem like ours (400 -> .../problems/bad-request), not Spring's untyped default
            var known = HttpStatus.resolve(statusCode.value());
            String slug = known == null ? "http-" + statusCode.value() : known.name().toLowerCase().replace('_', '-');
            pd.setType(URI.create("https://qforge.io/problems/" + slug));
        }
        return response;
    }

    /** The request's path as the problem's instance; none when a hostile path is not a valid URI. */
    static URI instance(String requestUri) {
        try {
            return requestUri == null ? null : URI.create(requestUri);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
