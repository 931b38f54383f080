package io.qforge.engine.convert;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.quant.BnFold;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.quant.QuantUnit;
import io.qforge.engine.quant.Symmetry;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Conv / Gemm / MatMul units to {@link IntLayer.Conv} / {@link IntLayer.Gemm}: BN folded, weight
 * quantized with the weight quantizer's params (both in float64), bias int32 with scale {@code s_in * s_w[c]}.
 */
final class LinearLayers {
    private final QatModel model;
    private final Graph g;

    LinearLayers(QatModel model) {
        this.model = model;
        this.g = model.graph();
    }

    IntLayer layer(QuantUnit.Linear u) {
        Node op = u.op();
        QuantParams wp = model.params(u.weight());
        if (wp.symmetry() != Symmetry.SYMMETRIC) {
            throw new ConversionException("node '" + op.name() + "': weight '" + u.weight() + "' has asymmetric params;"
                    + " integer layers need symmetric weights (zero point 0)");
        }
        double sIn = model.params(model.plan().encodingSources().get(u.input())).scale(0);
        IntLayer.Clip clip = Activations.clip(g, u.activation());
        if (op.opType().equals("Conv")) {
            return conv(u, wp, sIn, clip);
        }
        return gemm(u, wp, sIn, clip);
    }

    private IntLayer conv(QuantUnit.Linear u, QuantParams wp, double sIn, IntLayer.Clip clip) {
        Node op = u.op();
        INDArray w = float64(IntModelConverter.initializer(g, u.weight(), op));
        INDArray bias = op.hasInput(2) ? IntModelConverter.initializer(g, op.input(2), op) : null;
        double[] b;
        if (u.batchNorm() != null) {
            Node bn = u.batchNorm();
            double eps = bn.attrFloat("epsilon", 1e-5);
            INDArray gamma = float64(IntModelConverter.initializer(g, bn.input(1), bn));
            INDArray var = float64(IntModelConverter.initializer(g, bn.input(4), bn));
            w = BnFold.foldWeight(w, gamma, var, eps);
            b = BnFold.foldBias(bias, gamma, IntModelConverter.initializer(g, bn.input(2), bn),
                    IntModelConverter.initializer(g, bn.input(3), bn), var, eps);
        } else {
            b = bias == null ? new double[(int) w.size(0)] : doubles(bias);
        }
        checkAxis(op, wp, 0, w);
        INDArray wq = QuantPrimitives.quantize(w, wp);
        return new IntLayer.Conv(op.name(), u.input(), u.output(), wq, wp, quantizeBias(b, sIn, wp),
                op.attrInts("strides", new long[] {1, 1}), op.attrInts("pads", new long[4]),
                op.attrInts("dilations", new long[] {1, 1}), (int) op.attrInt("group", 1), clip);
    }

    private IntLayer gemm(QuantUnit.Linear u, QuantParams wp, double sIn, IntLayer.Clip clip) {
        Node op = u.op();
        if (op.opType().equals("Gemm") && op.attrInt("transA", 0) != 0) {
            throw new ConversionException("node '" + op.name() + "' (Gemm): transA=1 is not supported");
        }
        long[] inShape = g.shapes().get(u.input());
        if (inShape == null || inShape.length != 2) {
            throw new ConversionException("node '" + op.name() + "' (" + op.opType() + "): input '" + u.input()
                    + "' of shape " + Arrays.toString(inShape) + " is not [N, K]");
        }
        INDArray w = float64(IntModelConverter.initializer(g, u.weight(), op));
        int axis = u.weightAxis();
        checkAxis(op, wp, axis, w);
        INDArray wq = QuantPrimitives.quantize(w, wp);
        if (axis == 1) { // [K, N] -> [N, K]
            wq = wq.transpose().dup('c');
            wp = wp.axis() < 0 ? wp : QuantParams.perChannel(wp.scales(), wp.zeroPoints(), 0, wp.bits(),
                    wp.symmetry());
        }
        int n = (int) wq.size(0);
        double[] b = new double[n];
        String biasName = op.opType().equals("Gemm") && op.hasInput(2) ? op.input(2)
                : u.biasAdd() != null ? constantOperand(u.biasAdd(), op.output(0)) : null;
        if (biasName != null) {
            INDArray bias = IntModelConverter.initializer(g, biasName, op);
            if (bias.length() == 1) {
                Arrays.fill(b, bias.getDouble(0));
            } else if (bias.length() == n) {
                b = doubles(bias);
            } else {
                throw new ConversionException("node '" + op.name() + "': bias '" + biasName + "' of shape "
                        + Arrays.toString(bias.shape()) + " is not one value per output feature (" + n + ")");
            }
        }
        return new IntLayer.Gemm(op.name(), u.input(), u.output(), wq, wp, quantizeBias(b, sIn, wp), clip);
    }

    private static String constantOperand(Node add, String linearOut) {
        return add.input(0).equals(linearOut) ? add.input(1) : add.input(0);
    }

    private static void checkAxis(Node op, QuantParams wp, int axis, INDArray w) {
        if (wp.axis() >= 0 && (wp.axis() != axis || wp.channels() != w.size(axis))) {
            throw new ConversionException("node '" + op.name() + "': weight params " + wp + " do not match the"
                    + " output-channel axis " + axis + " of weight " + Arrays.toString(w.shape()));
        }
    }

    private static int[] quantizeBias(double[] b, double sIn, QuantParams wp) {
        INDArray bias = org.nd4j.linalg.factory.Nd4j.createFromArray(b);
        return QuantPrimitives.quantizeBias(bias, sIn, wp.scales()).toIntVector();
    }

    /**
     * Weights are folded and quantized in float64, the precision {@link QatModel#float64Executor()}
     * evaluates the simulation in, so both round every weight alike (in float32, {@code w / s_w}
     * rounds to the other integer for about one weight in a million, near a tie).
     */
    private static INDArray float64(INDArray a) {
        return a.castTo(DataType.DOUBLE);
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }
}
