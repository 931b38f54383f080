package io.qforge.api;

import java.util.List;
import org.springframework.http.HttpStatus;

/** 422: the request is well-formed but its content is wrong; one {@link FieldProblem} each. */
public class ValidationException extends ApiException {
    private final List<FieldProblem> errors;

    public ValidationException(String detail, List<FieldProblem> errors) {
        super(HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Validation failed", detail);
        this.errors = List.copyOf(errors);
    }

    public List<FieldProblem> errors() { return errors; }
}
