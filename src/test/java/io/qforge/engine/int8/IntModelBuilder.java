package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.Symmetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import io.qforge.engine.int8.QdqReference.T;

/**
 * Test-only: builds an {@link IntModel} by hand, layer by layer, with random integer weights
 * (fixed seed; He-like real scale {@code sqrt(2 / fanIn)}, per-channel scales varying by up to 2x)
 * and activation encodings calibrated on a calibration batch: each layer's float output
 * ({@link QdqReference#floatOp} on the already quantized inputs) gives min/max, from which the
 * asymmetric b-bit encoding is chosen as in QAT-MATH.md (range widened to include 0,
 * {@code s = (max - min) / (qmax - qmin)} rounded to float32, {@code z = clamp(rint(qmin - min / s))}).
 * Shape-only layers share their input's encoding.
 */
final class IntModelBuilder {
    private final String name;
    private final String input;
    private final long[] inputShape;
    private final int actBits;
    private final int weightBits;
    private final Random rnd;
    private final List<IntLayer> layers = new ArrayList<>();
    private final Map<String, QuantParams> enc = new HashMap<>();
    private final Map<String, T> calib = new HashMap<>(); // integer values on the calibration batch
    private String last;

    IntModelBuilder(String name, INDArray calibration, int actBits, int weightBits, long seed) {
        this.name = name;
        this.input = "input";
        this.inputShape = calibration.shape().clone();
        this.inputShape[0] = -1;
        this.actBits = actBits;
        this.weightBits = weightBits;
        this.rnd = new Random(seed);
        T x = T.of(calibration);
        QuantParams p = asymmetric(x);
        enc.put(input, p);
        calib.put(input, QdqReference.quantize(x, p));
        last = input;
    }

    String last() {
        return last;
    }

    IntModelBuilder conv(String out, String in, int oc, int k, int stride, int pad, int dilation, int group,
                         IntLayer.Clip clip) {
        int ic = (int) calib.get(in).shape()[1];
        int icg = ic / group;
        int fanIn = icg * k * k;
        QuantParams wp = weightParams(oc, fanIn);
        INDArray w = weights(new long[] {oc, icg, k, k}, wp);
        int[] bias = bias(oc, enc.get(in).scale(0), wp);
        return push(new IntLayer.Conv(out, in, out, w, wp, bias, new long[] {stride, stride},
                new long[] {pad, pad, pad, pad}, new long[] {dilation, dilation}, group, clip), false);
    }

    IntModelBuilder gemm(String out, String in, int features, IntLayer.Clip clip) {
        long[] s = calib.get(in).shape();
        int k = (int) s[s.length - 1];
        QuantParams wp = weightParams(features, k);
        INDArray w = weights(new long[] {features, k}, wp);
        return push(new IntLayer.Gemm(out, in, out, w, wp, bias(features, enc.get(in).scale(0), wp), clip), false);
    }

    IntModelBuilder add(String out, String a, String b, IntLayer.Clip clip) {
        return push(new IntLayer.Add(out, a, b, out, clip), false);
    }

    IntModelBuilder mul(String out, String a, String b) {
        return push(new IntLayer.Mul(out, a, b, out), false);
    }

    IntModelBuilder concat(String out, int axis, String... in) {
        return push(new IntLayer.Concat(out, List.of(in), out, axis), false);
    }

    IntModelBuilder sigmoid(String out, String in) {
        return push(new IntLayer.Sigmoid(out, in, out), false);
    }

    IntModelBuilder maxPool(String out, String in, int k, int stride) {
        return push(new IntLayer.MaxPool(out, in, out, new long[] {k, k}, new long[] {stride, stride}, new long[4],
                new long[] {1, 1}), true);
    }

    IntModelBuilder avgPool(String out, String in, int k, int stride, int pad, boolean countIncludePad) {
        return push(new IntLayer.AveragePool(out, in, out, new long[] {k, k}, new long[] {stride, stride},
                new long[] {pad, pad, pad, pad}, countIncludePad), false);
    }

    IntModelBuilder globalAvgPool(String out, String in) {
        return push(new IntLayer.AveragePool(out, in, out, null, new long[] {1, 1}, new long[4], false), false);
    }

    IntModelBuilder reshape(String out, String in, long... shape) {
        return push(new IntLayer.Reshape(out, in, out, shape), true);
    }

    IntModelBuilder flatten(String out, String in, int axis) {
        return push(new IntLayer.Flatten(out, in, out, axis), true);
    }

    IntModel build(int softmaxAxis) {
        return new IntModel(name, input, inputShape, layers, enc, last, softmaxAxis >= 0 ? "probs" : last,
                softmaxAxis);
    }

    private IntModelBuilder push(IntLayer l, boolean shapeOnly) {
        List<T> in = new ArrayList<>();
        for (String t : l.inputs()) {
            in.add(QdqReference.dequantize(calib.get(t), enc.get(t)));
        }
        T y = QdqReference.floatOp(l, in, enc::get);
        QuantParams p = shapeOnly ? enc.get(l.inputs().get(0)) : asymmetric(y);
        enc.put(l.output(), p);
        calib.put(l.output(), QdqReference.quantize(y, p));
        layers.add(l);
        last = l.output();
        return this;
    }

    private QuantParams asymmetric(T y) {
        double min = 0;
        double max = 0;
        for (double v : y.v()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int qmin = -(1 << (actBits - 1));
        int qmax = (1 << (actBits - 1)) - 1;
        double s = (float) (max == min ? 1.0 : (max - min) / (qmax - qmin));
        int z = (int) Math.max(qmin, Math.min(qmax, Math.rint(qmin - min / s)));
        return QuantParams.perTensor(s, z, actBits, Symmetry.ASYMMETRIC);
    }

    /** Per-channel symmetric scales: {@code sqrt(2 / fanIn) * u / (qmax / 3)}, u in [0.5, 1.5). */
    private QuantParams weightParams(int channels, int fanIn) {
        int qmax = (1 << (weightBits - 1)) - 1;
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = (float) (Math.sqrt(2.0 / fanIn) * (0.5 + rnd.nextDouble()) / (qmax / 3.0));
        }
        return QuantParams.perChannel(s, new int[channels], 0, weightBits, Symmetry.SYMMETRIC);
    }

    /** Integer weights {@code clamp(rint(N(0,1) qmax / 3), -qmax, qmax)} (about 0.3% at the extremes). */
    private INDArray weights(long[] shape, QuantParams wp) {
        int qmax = wp.qmax();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        byte[] w = new byte[(int) n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) Math.max(-qmax, Math.min(qmax, Math.rint(rnd.nextGaussian() * qmax / 3.0)));
        }
        return Nd4j.createFromArray(w).reshape('c', shape);
    }

    /** Real bias N(0, 0.1) as int32 with scale {@code s_x s_w[c]}. */
    private int[] bias(int channels, double inputScale, QuantParams wp) {
        int[] b = new int[channels];
        for (int c = 0; c < channels; c++) {
            b[c] = (int) Math.rint(0.1 * rnd.nextGaussian() / (inputScale * wp.scale(c)));
        }
        return b;
    }
}
