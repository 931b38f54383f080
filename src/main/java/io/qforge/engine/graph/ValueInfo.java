package io.qforge.engine.graph;

import java.util.Arrays;

/**
 * A named graph input or output: element type and shape. A dimension of {@code -1} is dynamic
 * (for example the batch dimension).
 */
public record ValueInfo(String name, ElementType type, long[] shape) {

    public ValueInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
