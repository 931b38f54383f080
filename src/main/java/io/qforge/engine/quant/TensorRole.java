package io.qforge.engine.quant;

/** What a quantizer quantizes; decides LSQ's gradient scale (N = weight elements or features per sample). */
public enum TensorRole {
    WEIGHT, ACTIVATION
}
