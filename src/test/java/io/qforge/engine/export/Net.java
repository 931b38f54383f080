package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds an {@link IntModel} by hand for tests: random float weights (fixed seed, He-scaled)
 * quantized per channel (symmetric, narrow range), int32 biases at {@code s_x s_w[c]}, and every
 * activation encoding calibrated (asymmetric min-max) on a calibration batch run through the QDQ
 * reference layer by layer, so scales are plausible and outputs are not saturated.
 */
final class Net {

    private final String name;
    private final String input;
    private final long[] inputShape;
    private final int actBits;
    private final int weightBits;
    private final Random rnd;
    private final List<IntLayer> layers = new ArrayList<>();
    private final Map<String, QuantParams> enc = new HashMap<>();
    private final Map<String, T> values = new HashMap<>();
    private QuantParams nextEncoding;
    private String last;

    Net(String name, String input, long[] inputShape, T calibration, int actBits, int weightBits, long seed) {
        this.name = name;
        this.input = input;
        this.inputShape = inputShape.clone();
        this.actBits = actBits;
        this.weightBits = weightBits;
        this.rnd = new Random(seed);
        QuantParams p = QuantPrimitives.chooseAsymmetric(calibration.min(), calibration.max(), actBits);
        enc.put(input, p);
        values.put(input, QdqReference.fakeQuant(calibration, p, IntLayer.Clip.NONE));
        last = input;
    }

    /** Uses {@code p} as the encoding of the next layer's output instead of calibrating it. */
    Net encodeNext(QuantParams p) {
        nextEncoding = p;
        return this;
    }

    String conv(String n, String in, int outC, int k, int stride, int pad, int group, IntLayer.Clip clip) {
        int inC = values.get(in).dim(1);
        INDArray f = weight(outC, inC / group * k * k, new long[] {outC, inC / group, k, k});
        QuantParams wp = weightParams(f);
        String out = out(n);
        long[] pads = {pad, pad, pad, pad};
        return add(new IntLayer.Conv(n, in, out, quantize(f, wp), wp, bias(in, wp, outC), new long[] {stride, stride}, pads,
                new long[] {1, 1}, group, clip), true);
    }

    String gemm(String n, String in, int outF, IntLayer.Clip clip) {
        int inF = values.get(in).dim(1);
        INDArray f = weight(outF, inF, new long[] {outF, inF});
        QuantParams wp = weightParams(f);
        return add(new IntLayer.Gemm(n, in, out(n), quantize(f, wp), wp, bias(in, wp, outF), clip), true);
    }

    String maxPool(String n, String in, int k, int stride) {
        return add(new IntLayer.MaxPool(n, in, out(n), new long[] {k, k}, new long[] {stride, stride},
                new long[] {0, 0, 0, 0}, new long[] {1, 1}), false);
    }

    String avgPool(String n, String in, int k, int stride, int pad, boolean countIncludePad) {
        return add(new IntLayer.AveragePool(n, in, out(n), new long[] {k, k}, new long[] {stride, stride},
                new long[] {pad, pad, pad, pad}, countIncludePad), true);
    }

    String globalAvgPool(String n, String in) {
        return add(new IntLayer.AveragePool(n, in, out(n), null, null, null, false), true);
    }

    String flatten(String n, String in) {
        return add(new IntLayer.Flatten(n, in, out(n), 1), false);
    }

    String reshape(String n, String in, long... shape) {
        return add(new IntLayer.Reshape(n, in, out(n), shape), false);
    }

    String add(String n, String a, String b, IntLayer.Clip clip) {
        return add(new IntLayer.Add(n, a, b, out(n), clip), true);
    }

    String mul(String n, String a, String b) {
        return add(new IntLayer.Mul(n, a, b, out(n)), true);
    }

    String concat(String n, int axis, String... ins) {
        return add(new IntLayer.Concat(n, List.of(ins), out(n), axis), true);
    }

    String sigmoid(String n, String in) {
        return add(new IntLayer.Sigmoid(n, in, out(n)), true);
    }

    String last() {
        return last;
    }

    QuantParams encoding(String tensor) {
        return enc.get(tensor);
    }

    /** The model; the graph output is {@code outputName} after a softmax on the last axis, or the last tensor. */
    IntModel build(boolean softmax, String outputName) {
        return new IntModel(name, input, inputShape, layers, enc, last, softmax ? outputName : last,
                softmax ? 1 : -1);
    }

    private String add(IntLayer l, boolean ownEncoding) {
        T y = QdqReference.floatOp(l, values::get, enc::get);
        IntLayer.Clip clip = QdqReference.clip(l);
        QuantParams p;
        if (nextEncoding != null) {
            p = nextEncoding;
            nextEncoding = null;
        } else if (ownEncoding) {
            double lo = Math.max(y.min(), clip.min());
            double hi = Math.min(y.max(), clip.max());
            p = QuantPrimitives.chooseAsymmetric(lo, hi, actBits);
        } else {
            p = enc.get(l.inputs().get(0));
        }
        enc.put(l.output(), p);
        values.put(l.output(), QdqReference.fakeQuant(y, p, clip));
        layers.add(l);
        last = l.output();
        return l.output();
    }

    /** PyTorch-style tensor names, to exercise names with slashes. */
    private static String out(String layer) {
        return "/" + layer + "/output_0";
    }

    /** Float weights with He-scaled normal values. */
    private INDArray weight(int outC, int fanIn, long[] shape) {
        int n = (int) (outC * (long) fanIn);
        float[] w = new float[n];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < n; i++) {
            w[i] = (float) (rnd.nextGaussian() * std);
        }
        return Nd4j.createFromArray(w).reshape('c', shape);
    }

    /** {@code clamp(rint(w / s_c), qmin, qmax)} per output channel, as INT8. */
    private static INDArray quantize(INDArray f, QuantParams wp) {
        double[] fv = f.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        int per = fv.length / (int) f.size(0);
        byte[] q = new byte[fv.length];
        for (int i = 0; i < fv.length; i++) {
            int c = i / per;
            q[i] = (byte) Math.max(wp.qmin(), Math.min(wp.qmax(), Math.rint(fv[i] / wp.scale(c))));
        }
        return Nd4j.createFromArray(q).reshape('c', f.shape());
    }

    private QuantParams weightParams(INDArray f) {
        int c = (int) f.size(0);
        int per = (int) (f.length() / c);
        double[] fv = f.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        double[] min = new double[c], max = new double[c];
        for (int o = 0; o < c; o++) {
            min[o] = Double.POSITIVE_INFINITY;
            max[o] = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < per; i++) {
                min[o] = Math.min(min[o], fv[o * per + i]);
                max[o] = Math.max(max[o], fv[o * per + i]);
            }
        }
        return QuantPrimitives.chooseSymmetric(min, max, weightBits, 0);
    }

    private int[] bias(String in, QuantParams wp, int outC) {
        double sx = enc.get(in).scale(0);
        int[] b = new int[outC];
        for (int c = 0; c < outC; c++) {
            b[c] = (int) Math.rint(rnd.nextGaussian() * 0.1 / (sx * wp.scale(c)));
        }
        return b;
    }
}
