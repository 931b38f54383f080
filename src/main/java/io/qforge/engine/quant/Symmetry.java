package io.qforge.engine.quant;

/**
 * Symmetric: zero point 0 and the narrow integer range {@code [-(2^(b-1)-1), 2^(b-1)-1]}
 * (so that -max and +max are both exact). Asymmetric: a zero point chosen from the observed
 * range and the full range {@code [-2^(b-1), 2^(b-1)-1]}.
 */
public enum Symmetry {
    SYMMETRIC, ASYMMETRIC
}
