package io.qforge.engine.quant;

/**
 * Node types the QAT rewrite ({@link QatModel#prepare}) inserts into a graph. They are not ONNX
 * ops: {@link QatModel#opFactory()} resolves them, and the converter turns the graph back into
 * an {@link io.qforge.engine.convert.IntModel}.
 */
public final class QatOpTypes {
    /** Fake quantization with observer-chosen params: inputs {@code [x]}, attribute {@link #ATTR_QUANTIZER}. */
    public static final String FAKE_QUANT = "qforge.FakeQuant";
    /** Fake quantization with a learned step size: inputs {@code [x, scale]}, attribute {@link #ATTR_QUANTIZER}. */
    public static final String LSQ_FAKE_QUANT = "qforge.LsqFakeQuant";
    /**
     * BatchNorm fold factor: inputs {@code [gamma, running_var]}, attribute {@code epsilon};
     * outputs {@code f = gamma / sqrt(var + eps)} as [C,1,1,1] and {@code 1/f} as [1,C,1,1].
     */
    public static final String BN_FOLD_FACTOR = "qforge.BnFoldFactor";
    /**
     * Int32 bias grid correction ({@link BiasRoundingOp}): inputs {@code [y, bias]} or
     * {@code [y, gamma, beta, mean, var, convBias?]}; adds {@code rint(b / (s_in s_w)) s_in s_w - b}.
     */
    public static final String BIAS_ROUNDING = "qforge.BiasRounding";
    /**
     * Widens a tensor to float64 (only in {@link QatModel#float64Executor()}'s graph): inputs {@code [x]};
     * with attribute {@link #ATTR_QUANTIZER} (after the graph input's float32 fake quantization) onto
     * that quantizer's exact float64 grid; gradient cast back to x's type.
     */
    public static final String TO_FLOAT64 = "qforge.ToFloat64";
    /** Attribute of the fake-quant nodes: the name of their {@link FakeQuantizer} (the quantized tensor). */
    public static final String ATTR_QUANTIZER = "quantizer";

    private QatOpTypes() {
    }
}
