package io.qforge.engine.train;

/** Top-1 accuracy (fraction in [0, 1]) and mean cross-entropy over {@code count} examples. */
public record Metrics(double accuracy, double loss, int count) {
}
