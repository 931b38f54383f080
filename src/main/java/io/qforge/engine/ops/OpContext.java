package io.qforge.engine.ops;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-node state that lives for one forward/backward pass: whether the pass trains (BatchNorm
 * on batch statistics, running statistics updated) and whatever the forward saves for the
 * backward (for example BatchNorm's batch mean and variance).
 */
public final class OpContext {
    private final boolean training;
    private final Map<String, Object> saved = new HashMap<>();

    public OpContext(boolean training) {
        this.training = training;
    }

    public boolean training() {
        return training;
    }

    public void save(String key, Object value) {
        saved.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T saved(String key) {
        return (T) saved.get(key);
    }
}
