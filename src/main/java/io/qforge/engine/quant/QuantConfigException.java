package io.qforge.engine.quant;

import java.util.List;

/**
 * A {@link QuantConfig} with one or more invalid fields. The message lists every problem, separated by
 * {@code "; "}, each as {@code "<field>: <value> is not allowed (<what is allowed>)"}.
 */
public class QuantConfigException extends IllegalArgumentException {
    private final List<String> errors;

    public QuantConfigException(List<String> errors) {
        super("invalid quantization config: " + String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    /** One entry per invalid field, in declaration order. */
    public List<String> errors() {
        return errors;
    }
}
