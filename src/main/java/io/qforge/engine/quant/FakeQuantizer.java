package io.qforge.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mutable state of one quantization point in the graph (a weight or an activation): its
 * scheme (bits, symmetry, granularity), its observer, two switches and the current params. The
 * {@link FakeQuantOp} / {@link LsqFakeQuantOp} node of that point holds a reference to it; the
 * training loop flips the switches (calibration: observe; QAT: observe + fake-quantize; after
 * {@code freezeObserversAfterEpoch}: fake-quantize only; evaluation: fake-quantize only) and the
 * converter/exporter read {@link #params()} at the end.
 *
 * <p>Observing is controlled only by {@link #setObserverEnabled}, not by the pass being a training
 * pass: a calibration pass is an inference pass that must observe, and an evaluation pass must turn
 * the observer off so test data never moves the ranges.
 */
public final class FakeQuantizer {
    private final String name;
    private final TensorRole role;
    private final int bits;
    private final Symmetry symmetry;
    private final Granularity granularity;
    private final Observer observer;
    private boolean observerEnabled = true;
    private boolean fakeQuantEnabled = true;
    private QuantParams params;
    private boolean stale;

    /**
     * @param name     the tensor this quantizer watches (used in messages and by the exporter)
     * @param observer must track channels ({@code axis >= 0}) when {@code granularity} is PER_CHANNEL
     */
    public FakeQuantizer(String name, TensorRole role, int bits, Symmetry symmetry, Granularity granularity,
                         Observer observer) {
        this.name = name;
        this.role = role;
        this.bits = bits;
        this.symmetry = symmetry;
        this.granularity = granularity;
        this.observer = observer;
        IntRange.of(bits, symmetry); // validates bits
        if (granularity == Granularity.PER_CHANNEL && observer.axis() < 0) {
            throw new IllegalArgumentException("quantizer '" + name + "': per-channel quantization needs an observer"
                    + " with a channel axis, got a per-tensor " + observer.kind() + " observer");
        }
    }

    /** Weight quantizer per the config; per channel along {@code channelAxis} if so configured. */
    public static FakeQuantizer forWeight(String name, QuantConfig config, int channelAxis) {
        return new FakeQuantizer(name, TensorRole.WEIGHT, config.weightBits(), config.weightSymmetry(),
                config.weightGranularity(), Observers.forWeights(config, channelAxis));
    }

    /** Activation quantizer per the config (per tensor). */
    public static FakeQuantizer forActivation(String name, QuantConfig config) {
        return new FakeQuantizer(name, TensorRole.ACTIVATION, config.activationBits(), config.activationSymmetry(),
                Granularity.PER_TENSOR, Observers.forActivations(config));
    }

    /** Lets the observer see {@code x} when it is enabled; returns {@code x}. */
    public INDArray observe(INDArray x) {
        if (observerEnabled) {
            observer.observe(x);
            stale = true;
        }
        return x;
    }

    /**
     * Current params: recomputed from the observer when it saw something new since the last call,
     * else the last params (observed or {@link #setParams set}).
     *
     * @throws IllegalStateException when nothing was observed and no params were set
     */
    public QuantParams params() {
        if (stale) {
            params = observer.encoding(bits, symmetry, granularity);
            stale = false;
        }
        if (params == null) {
            throw new IllegalStateException("quantizer '" + name + "' has no params yet: observe data first"
                    + " (calibration) or set them");
        }
        return params;
    }

    public boolean hasParams() {
        return params != null || stale;
    }

    /** Replaces the params (checkpoint restore, LSQ scales); a later observation recomputes them. */
    public void setParams(QuantParams p) {
        if (p.bits() != bits || p.symmetry() != symmetry || p.granularity() != granularity) {
            throw new IllegalArgumentException("quantizer '" + name + "': params " + p + " do not match the scheme int"
                    + bits + " " + symmetry + " " + granularity);
        }
        params = p;
        stale = false;
    }

    /** Takes learned LSQ scales (a scalar/[1] or one per channel), clamped to {@link LsqFakeQuantOp#MIN_SCALE}. */
    public void adoptScales(INDArray scale) {
        double[] s = scale.castTo(DataType.DOUBLE).reshape(scale.length()).toDoubleVector();
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(s[i], LsqFakeQuantOp.MIN_SCALE);
        }
        setParams(params().withScales(s));
    }

    public Observer observer() {
        return observer;
    }

    public boolean observerEnabled() {
        return observerEnabled;
    }

    public void setObserverEnabled(boolean enabled) {
        observerEnabled = enabled;
    }

    public boolean fakeQuantEnabled() {
        return fakeQuantEnabled;
    }

    public void setFakeQuantEnabled(boolean enabled) {
        fakeQuantEnabled = enabled;
    }

    public String name() {
        return name;
    }

    public TensorRole role() {
        return role;
    }

    public int bits() {
        return bits;
    }

    public Symmetry symmetry() {
        return symmetry;
    }

    public Granularity granularity() {
        return granularity;
    }

    @Override
    public String toString() {
        return "FakeQuantizer[" + name + ", " + role + ", int" + bits + " " + symmetry + " " + granularity
                + ", observer " + observer.kind() + (observerEnabled ? " on" : " off")
                + ", fake-quant " + (fakeQuantEnabled ? "on" : "off") + "]";
    }
}
