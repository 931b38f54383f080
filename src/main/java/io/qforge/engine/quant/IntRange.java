package io.qforge.engine.quant;

/**
 * The integer range {@code [qmin, qmax]} of a b-bit quantizer, stored in int8 containers for b <= 8.
 * Symmetric: narrow, {@code [-(2^(b-1)-1), 2^(b-1)-1]}; asymmetric: {@code [-2^(b-1), 2^(b-1)-1]}.
 */
public record IntRange(int qmin, int qmax) {

    public IntRange {
        if (qmin >= qmax) {
            throw new IllegalArgumentException("integer range: qmin " + qmin + " must be < qmax " + qmax);
        }
    }

    public static IntRange of(int bits, Symmetry symmetry) {
        if (bits < QuantConfig.MIN_BITS || bits > QuantConfig.MAX_BITS) {
            throw new IllegalArgumentException("bits: " + bits + " is not allowed (" + QuantConfig.MIN_BITS + ".." + QuantConfig.MAX_BITS + ")");
        }
        int qmax = (1 << (bits - 1)) - 1;
        return symmetry == Symmetry.SYMMETRIC ? new IntRange(-qmax, qmax) : new IntRange(-qmax - 1, qmax);
    }

    /** Number of integer levels minus one: {@code qmax - qmin}. */
    public int span() {
        return qmax - qmin;
    }
}
