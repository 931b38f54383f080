package io.qforge.engine.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Watches the values of one tensor and keeps statistics; it never changes them. The encoding is
 * computed separately from what was seen ({@link #encoding}).
 *
 * <p>An observer built with a channel axis ({@code axis >= 0}) keeps statistics per channel and can
 * answer both granularities (per tensor = over all channels); one built per tensor
 * ({@code axis == -1}) answers only {@link Granularity#PER_TENSOR}.
 */
public interface Observer {

    /** Updates the statistics with {@code x} (FLOAT or DOUBLE) and returns {@code x} itself, unchanged. */
    INDArray observe(INDArray x);

    /** True once at least one tensor was observed. */
    boolean hasObservations();

    /** The channel axis the statistics are kept along, or -1 per tensor. */
    int axis();

    ObserverKind kind();

    /**
     * Quantization params from the statistics so far.
     *
     * @throws IllegalStateException before any observation, or for PER_CHANNEL on a per-tensor observer
     */
    QuantParams encoding(int bits, Symmetry symmetry, Granularity granularity);

    /** Forgets everything seen. */
    void reset();
}
