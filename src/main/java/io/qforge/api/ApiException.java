package io.qforge.api;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * A failure a client can act on, mapped by {@link ProblemAdvice} to an RFC 9457 problem with
 * this status, title, type ({@code https://qforge.io/problems/<slug>}) and the message as detail.
 */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public ApiException(HttpStatus status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public HttpStatus status() { return status; }
    public String title() { return title; }
    public java.util.Map<String, String> headers() { return headers; }

    /** A response header to send with the problem (e.g. Content-Range on a 416). */
    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }
    public URI type() { return URI.create("https://qforge.io/problems/" + slug); }

    public static ApiException notFound(String kind, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found",
                kind + " " + id + " does not exist");
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "conflict", "Conflict", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }

    public static ApiException tooLarge(String what, long limitBytes) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content too large",
                what + " is larger than the limit of " + limitBytes + " bytes");
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail);
    }
}
