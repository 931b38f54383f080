package io.qforge.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet error page ({@code /error}, where the container forwards errors that happen outside
 * Spring MVC) as an RFC 9457 problem; asked for directly, {@code /error} is an unknown path (404).
 * Replaces Spring Boot's {@code BasicErrorController}.
 */
@RestController
public class ProblemErrorController implements ErrorController {
    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
        ProblemDetail problem;
        if (status == null || !status.isError()) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                    "No endpoint " + request.getMethod() + " " + request.getRequestURI());
            problem.setType(URI.create("https://qforge.io/problems/not-found"));
            problem.setTitle("Not found");
            problem.setInstance(ProblemAdvice.instance(request.getRequestURI()));
        } else {
            problem = ProblemDetail.forStatusAndDetail(status, status.is5xxServerError()
                    ? "An internal error occurred; it has been logged." : "The request was refused: " + status.getReasonPhrase());
            problem.setType(URI.create("https://qforge.io/problems/" + ProblemErrorReportValve.slug(status.value())));
            problem.setTitle(status.getReasonPhrase());
            if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
                problem.setInstance(ProblemAdvice.instance(uri));
            }
        }
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
