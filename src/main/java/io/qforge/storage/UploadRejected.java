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

    /**
     * How messages name an upload: the last segment of the name the client sent (no directories,
     * no control characters, at most 100 characters), quoted; {@code fallback} when it sent none.
     */
    public static String displayName(String uploadName, String fallback) {
        String n = uploadName == null ? "" : uploadName;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        n = n.replaceAll("[\\p{Cntrl}'\"]", "").strip();
        if (n.length() > 100) {
            n = n.substring(0, 100) + "...";
        }
        return "'" + (n.isEmpty() ? fallback : n) + "'";
    }
}
