package io.qforge.api;

/**
 * One entry of a 422 problem's {@code errors} array: the field (JSON path such as
 * {@code spec.weightBits}, or an array/op name for uploads), what is wrong, and the rejected value.
 */
public record FieldProblem(String field, String message, Object rejectedValue) {
    public static FieldProblem of(String field, String message) {
        return new FieldProblem(field, message, null);
    }
}
