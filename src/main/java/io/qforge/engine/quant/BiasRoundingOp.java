package io.qforge.engine.quant;

import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Puts a Conv/Gemm unit's bias on the int32 grid the integer engine and ONNX Runtime use
 * (QDQ.md: {@code q_b = rint(b / (s_in s_w[c]))}): the simulation adds the bias in float, so this op
 * adds the per-channel difference
 * <pre>
 * step_c  = s_in * s_w[c]
 * delta_c = rint(b_c / step_c) * step_c - b_c
 * y'      = y + delta         (delta broadcast over the channel axis)
 * </pre>
 * with {@code b} the bias the converter quantizes: the folded {@code beta + (b - mean) gamma / sigma}
 * ({@link BnFold#foldBias}, running statistics) for Conv+BN, else the bias initializer. Without it
 * the two differ by up to {@code M_c / 2} output LSB per channel ({@code M_c = s_in s_w[c] / s_out}):
 * up to a third of an LSB at 4 bits, enough to flip several percent of the outputs
 * (SimulationBiasRoundingTest).
 *
 * <p>Inputs: {@code [y, bias]} ({@link #MODE_BIAS}) or {@code [y, gamma, beta, mean, var, convBias?]}
 * ({@link #MODE_BN}, attribute {@code epsilon}); attributes {@code input_quantizer},
 * {@code weight_quantizer}, {@code channel_axis}. Identity while fake quantization is off or the
 * quantizers have no params yet (calibration sees the FP32 function). With BN live (batch
 * statistics) delta is still computed from the running statistics: a constant shift of less than
 * half a bias step; once BN is frozen the unit computes exactly {@code conv + s_in s_w[c] q_b}.
 * Backward: the gradient passes to {@code y} unchanged (delta is a constant, as the bias's
 * straight-through estimator would make it); none to the other inputs.
 */
final class BiasRoundingOp implements Op {
    static final String MODE_BIAS = "bias";
    static final String MODE_BN = "bn";
    static final String ATTR_MODE = "mode";
    static final String ATTR_INPUT_QUANTIZER = "input_quantizer";
    static final String ATTR_WEIGHT_QUANTIZER = "weight_quantizer";
    static final String ATTR_CHANNEL_AXIS = "channel_axis";

    private final Node node;
    private final QatModel model;
    private final String inputQuantizer;
    private final String weightQuantizer;
    private final boolean bn;
    private final int channelAxis;
    private final double epsilon;

    BiasRoundingOp(Node node, QatModel model) {
        this.node = node;
        this.model = model;
        this.inputQuantizer = node.attrString(ATTR_INPUT_QUANTIZER, null);
        this.weightQuantizer = node.attrString(ATTR_WEIGHT_QUANTIZER, null);
        this.bn = MODE_BN.equals(node.attrString(ATTR_MODE, MODE_BIAS));
        this.channelAxis = (int) node.attrInt(ATTR_CHANNEL_AXIS, 1);
        this.epsilon = node.attrFloat("epsilon", 1e-5);
        model.quantizer(inputQuantizer);
        model.quantizer(weightQuantizer);
    }

    @Override
    public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
        INDArray y = inputs[0];
        FakeQuantizer qi = model.quantizer(inputQuantizer);
        FakeQuantizer qw = model.quantizer(weightQuantizer);
        if (!qi.fakeQuantEnabled() || !qw.fakeQuantEnabled() || !qi.hasParams() || !qw.hasParams()) {
            return new INDArray[] {y};
        }
        double[] b = bias(inputs);
        double sIn = model.params(inputQuantizer).scale(0);
        double[] sw = model.params(weightQuantizer).scales();
        if (sw.length != 1 && sw.length != b.length) {
            throw new IllegalArgumentException(QatOpTypes.BIAS_ROUNDING + " '" + node.name() + "': " + sw.length
                    + " weight scales for " + b.length + " bias values");
        }
        int[] q = QuantPrimitives.quantizeBias(Nd4j.createFromArray(b), sIn, sw).toIntVector();
        double[] delta = new double[b.length];
        for (int c = 0; c < b.length; c++) {
            double step = sIn * sw[sw.length == 1 ? 0 : c];
            delta[c] = q[c] * step - b[c];
        }
        long[] shape = new long[y.rank()];
        java.util.Arrays.fill(shape, 1);
        int axis = channelAxis < 0 ? channelAxis + y.rank() : channelAxis;
        if (y.size(axis) != b.length) {
            throw new IllegalArgumentException(QatOpTypes.BIAS_ROUNDING + " '" + node.name() + "': input shape "
                    + java.util.Arrays.toString(y.shape()) + " has " + y.size(axis) + " channels on axis " + axis
                    + ", bias " + b.length);
        }
        shape[axis] = b.length;
        if (FakeQuantKernels.plain(y)) {
            return new INDArray[] {FakeQuantKernels.addPerChannel(y, delta, axis)};
        }
        INDArray d = Nd4j.createFromArray(delta).castTo(y.dataType()).reshape(shape);
        return new INDArray[] {y.add(d)};
    }

    private double[] bias(INDArray[] in) {
        if (bn) {
            INDArray convBias = in.length > 5 ? in[5] : null;
            return BnFold.foldBias(convBias, in[1], in[2], in[3], in[4], epsilon);
        }
        double[] b = in[1].castTo(DataType.DOUBLE).reshape(in[1].length()).toDoubleVector();
        int axis = channelAxis < 0 ? channelAxis + in[0].rank() : channelAxis;
        int channels = (int) in[0].size(axis);
        if (b.length == 1 && channels != 1) {
            double[] full = new double[channels];
            java.util.Arrays.fill(full, b[0]);
            return full;
        }
        return b;
    }

    @Override
    public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
        INDArray[] g = new INDArray[inputs.length];
        g[0] = gradOutputs[0];
        return g;
    }
}
