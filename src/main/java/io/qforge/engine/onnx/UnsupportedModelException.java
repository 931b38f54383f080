package io.qforge.engine.onnx;

import java.util.List;

/**
 * A well-formed ONNX model that qforge cannot train: one exception lists every problem found
 * (each unsupported op with its node name, external tensor data, attribute combinations the
 * ops do not implement, unsupported opset, ...), so a user sees them all at once.
 */
public class UnsupportedModelException extends RuntimeException {
    private final List<String> problems;

    public UnsupportedModelException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one sentence each, e.g. {@code node 'Resize_12' has unsupported op type Resize}. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder sb = new StringBuilder("unsupported ONNX model (")
                .append(problems.size()).append(problems.size() == 1 ? " problem)" : " problems)");
        for (String p : problems) {
            sb.append("\n - ").append(p);
        }
        return sb.toString();
    }
}
