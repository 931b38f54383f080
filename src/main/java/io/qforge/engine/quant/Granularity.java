package io.qforge.engine.quant;

/**
 * How many encodings a tensor gets: one for the whole tensor, or one per channel along an axis
 * (axis 0 = the output channel of Conv weights [oC,iC,kH,kW] and of Gemm weights [N,K]).
 */
public enum Granularity {
    PER_TENSOR, PER_CHANNEL
}
