package io.qforge.engine.quant;

/** Which statistics an observer keeps to choose a clipping range (QAT-MATH.md, "Observers"). */
public enum ObserverKind {
    /** Running min and max over every batch seen. */
    MIN_MAX,
    /** {@code m <- (1 - c) m + c * batch_min} (likewise max), {@code c = 0.01}; the first batch initializes. */
    MOVING_AVERAGE_MIN_MAX,
    /** The p-th percentile of the values seen (of |x| when symmetric, of both tails when not). */
    PERCENTILE,
    /** The range {@code alpha * max}, alpha on a grid in [0.3, 1], that minimizes {@code ||x - fq(x)||^2}. */
    MSE
}
