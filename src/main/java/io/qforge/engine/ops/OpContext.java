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
    private final boolean batchNormFrozen;
    private final Map<String, Object> saved = new HashMap<>();

    /** @param training true for a training pass (BatchNorm on batch statistics unless frozen) */
    public OpContext(boolean training, boolean batchNormFrozen) {
        this.training = training;
        this.batchNormFrozen = batchNormFrozen;
    }

    public OpContext(boolean training) {
        this(training, false);
    }

    public boolean training() {
        return training;
    }

    /** True when BatchNorm must use (and not update) its running statistics even in training. */
    public boolean batchNormFrozen() {
        return batchNormFrozen;
    }

    public void save(String key, Object value) {
        saved.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T saved(String key) {
        return (T) saved.get(key);
    }
}
