package io.qforge.storage;

import io.qforge.api.FieldProblem;
import java.util.List;

/**
 * An uploaded model or dataset cannot be used; one entry per problem ({@code field} = the op
 * type, the array name, or {@code file}). Becomes a 422 listing them.
 */
public class UploadRejected extends Exception {
    private final List<FieldProblem> problems;

    public UploadRejected(String message, List<FieldProblem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() { return problems; }
}
