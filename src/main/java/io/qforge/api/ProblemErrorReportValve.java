package io.qforge.api;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's last-resort error page as an RFC 9457 problem instead of HTML: what Tomcat refuses
 * before a request reaches Spring (a request header beyond {@code server.max-http-request-header-size}
 * becomes 431, a malformed request line 400, ...). Installed on the host by {@link TomcatErrorPages}.
 */
public class ProblemErrorReportValve extends ErrorReportValve {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Tomcat's own message for a request whose headers do not fit its header buffer. */
    private static final String HEADER_TOO_LARGE =
            StringManager.getManager("org.apache.coyote.http11").getString("iib.requestheadertoolarge.error");

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        var ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String detail;
        if (throwable instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(throwable.getMessage())) {
            status = HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.value();
            response.setStatus(status);
            detail = "The request's headers are larger than the server accepts (server.max-http-request-header-size)";
        } else if (status >= 500) {
            detail = "An internal error occurred; it has been logged.";
        } else {
            detail = "The server refused the request before it reached the API";
        }
        var resolved = HttpStatus.resolve(status);
        var problem = new LinkedHashMap<String, Object>();
        problem.put("type", "https://qforge.io/problems/" + slug(status));
        problem.put("title", resolved == null ? "Error" : resolved.getReasonPhrase());
        problem.put("status", status);
        problem.put("detail", detail);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was committed meanwhile: nothing more to send
        }
    }

    static String slug(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 408 -> "request-timeout";
            case 413 -> "too-large";
            case 431 -> "headers-too-large";
            default -> status >= 500 ? "internal" : "http-" + status;
        };
    }
}
