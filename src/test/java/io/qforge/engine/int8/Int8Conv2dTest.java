package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.quant.Symmetry;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

class Int8Conv2dTest {

    @org.junit.jupiter.api.BeforeEach
    void seed() {
        Nd4j.getRandom().setSeed(7);
    }

    /** {batch, inC, H, W, outC, kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, dH, dW, groups}. */
    private static final int[][] CASES = {
        {2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // same padding
        {1, 4, 9, 9, 6, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 2},   // stride 2, two groups
        {2, 6, 8, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6},   // depthwise
        {1, 3, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},   // depthwise, multiplier 2
        {1, 2, 10, 9, 3, 3, 2, 1, 2, 2, 0, 1, 3, 2, 3, 1},  // dilation and asymmetric pads
        {3, 5, 5, 5, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},   // pointwise
        {1, 1, 3, 3, 2, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1},   // kernel larger than the input
    };

    @Test
    void accumulatorsEqualTheNaiveConvolutionExactly() {
        Random rnd = new Random(20);
        for (int[] t : CASES) {
            ConvGeometry g = geometry(t);
            int n = t[0];
            int c = t[1];
            int h = t[2];
            int w = t[3];
            int oc = t[4];
            INDArray x = Int8Reference.randomInt8(rnd, n, c, h, w);
            INDArray wt = Int8Reference.randomInt8(rnd, oc, c / g.groups(), g.kernelH(), g.kernelW());
            int[] bias = rnd.ints(oc, -50_000, 50_000).toArray();
            for (int zx : new int[] {0, -128, 127, 17}) {
                for (int[] zw : new int[][] {{0}, rnd.ints(oc, -20, 20).toArray()}) {
                    Int8Conv2d conv = new Int8Conv2d(wt, zw, bias, g, zx, null);
                    INDArray acc = conv.accumulate(x);
                    assertThat(acc.shape()).containsExactly(n, oc, g.outputHeight(h), g.outputWidth(w));
                    long[] expected = Int8Reference.conv(Int8Arrays.bytes(x, "x"), zx, n, c, h, w,
                            Int8Arrays.bytes(wt, "w"), zw, bias, oc, g);
                    assertThat(Int8Reference.longs(acc)).as(java.util.Arrays.toString(t) + " zx " + zx)
                            .containsExactly(expected);
                }
            }
        }
    }

    @Test
    void outputsMatchTheFloatReferenceWithin1Lsb() {
        Random rnd = new Random(21);
        int mismatches = 0;
        long total = 0;
        for (int[] t : CASES) {
            ConvGeometry g = geometry(t);
            int n = t[0];
            int c = t[1];
            int oc = t[4];
            // float model: x in [-1, 3], per-channel symmetric weights, a bias
            INDArray xf = Nd4j.rand(DataType.DOUBLE, n, c, t[2], t[3]).muli(4).subi(1);
            INDArray wf = Nd4j.randn(DataType.DOUBLE, oc, c / g.groups(), g.kernelH(), g.kernelW()).muli(0.3);
            INDArray bf = Nd4j.randn(DataType.DOUBLE, oc).muli(0.2);
            QuantParams px = QuantPrimitives.chooseAsymmetric(-1, 3, 8);
            QuantParams pw = QuantPrimitives.chooseSymmetric(new double[oc], maxAbsPerChannel(wf), 8, 0);
            INDArray xq = QuantPrimitives.quantize(xf, px);
            INDArray wq = QuantPrimitives.quantize(wf, pw);
            INDArray bq = QuantPrimitives.quantizeBias(bf, px.scale(0), pw.scales());
            // the float reference: dequantize, convolve in float64, requantize
            INDArray xd = QuantPrimitives.dequantize(xq, px, DataType.DOUBLE);
            INDArray wd = QuantPrimitives.dequantize(wq, pw, DataType.DOUBLE);
            double[] bd = new double[oc];
            for (int o = 0; o < oc; o++) {
                bd[o] = bq.getInt(o) * px.scale(0) * pw.scale(o);
            }
            INDArray yd = floatConv(xd, wd, bd, g);
            for (FusedActivation act : FusedActivation.values()) {
                double lo = act == FusedActivation.NONE ? yd.minNumber().doubleValue() : 0;
                double hi = act == FusedActivation.RELU6 ? Math.min(6, yd.maxNumber().doubleValue())
                        : yd.maxNumber().doubleValue();
                QuantParams py = QuantPrimitives.chooseAsymmetric(lo, hi * 0.9, 8); // some outputs saturate
                INDArray ref = QuantPrimitives.quantize(clamp(yd, act), py);
                Int8Conv2d conv = Int8Conv2d.of(wq, pw, bq, g, px, py, act);
                INDArray y = conv.forward(xq);
                int[] a = Int8Arrays.ints(y);
                int[] b = Int8Arrays.ints(ref);
                for (int i = 0; i < a.length; i++) {
                    assertThat(Math.abs(a[i] - b[i])).as(java.util.Arrays.toString(t) + " " + act + " at " + i)
                            .isLessThanOrEqualTo(1);
                    mismatches += a[i] != b[i] ? 1 : 0;
                }
                total += a.length;
            }
        }
        System.out.printf("MEASURE int8 conv vs float reference: %d of %d outputs differ by 1 LSB%n", mismatches,
                total);
        assertThat((long) mismatches).isLessThan(total / 100);
    }

    @Test
    void badShapesNameTheProblem() {
        INDArray w = Nd4j.create(DataType.INT8, 6, 2, 3, 3);
        assertThatThrownBy(() -> new Int8Conv2d(w, new int[] {0}, null, ConvGeometry.of(3, 1, 1).withGroups(4), 0,
                null)).hasMessageContaining("6 output channels are not divisible by 4 groups");
        Int8Conv2d conv = new Int8Conv2d(w, new int[] {0}, null, ConvGeometry.of(3, 1, 1).withGroups(2), 0, null);
        assertThatThrownBy(() -> conv.accumulate(Nd4j.create(DataType.INT8, 1, 3, 5, 5)))
                .hasMessageContaining("input has 3 channels, weights expect 2 x 2 groups");
        assertThatThrownBy(() -> conv.forward(Nd4j.create(DataType.INT8, 1, 4, 5, 5)))
                .hasMessageContaining("built without a requantizer");
    }

    static ConvGeometry geometry(int[] t) {
        return new ConvGeometry(t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15]);
    }

    /**
     * Float64 convolution: ND4J's conv2d where it applies (one group, symmetric pads), else a direct
     * loop per group over the dequantized values.
     */
    static INDArray floatConv(INDArray x, INDArray w, double[] b, ConvGeometry g) {
        boolean symmetricPads = g.padTop() == g.padBottom() && g.padLeft() == g.padRight();
        if (g.groups() == 1 && symmetricPads) {
            INDArray bias = Nd4j.createFromArray(b);
            return Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w, bias)
                    .addIntegerArguments(g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padTop(), g.padLeft(),
                            g.dilationH(), g.dilationW(), 0, 0, 1).build())[0];
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int oc = (int) w.size(0);
        int oh = g.outputHeight(h);
        int ow = g.outputWidth(wd);
        int icg = c / g.groups();
        int ocg = oc / g.groups();
        double[] xv = x.dup('c').data().asDouble();
        double[] wv = w.dup('c').data().asDouble();
        double[] out = new double[n * oc * oh * ow];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < oc; o++) {
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double sum = b[o];
                        for (int ci = 0; ci < icg; ci++) {
                            int cin = (o / ocg) * icg + ci;
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                int iy = y * g.strideH() - g.padTop() + kh * g.dilationH();
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int ix = xo * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        sum += xv[((s * c + cin) * h + iy) * wd + ix]
                                                * wv[((o * icg + ci) * g.kernelH() + kh) * g.kernelW() + kw];
                                    }
                                }
                            }
                        }
                        out[((s * oc + o) * oh + y) * ow + xo] = sum;
                    }
                }
            }
        }
        return Nd4j.createFromArray(out).reshape(n, oc, oh, ow);
    }

    static INDArray clamp(INDArray y, FusedActivation act) {
        return switch (act) {
            case NONE -> y;
            case RELU -> org.nd4j.linalg.ops.transforms.Transforms.max(y, 0, true);
            case RELU6 -> org.nd4j.linalg.ops.transforms.Transforms.min(
                    org.nd4j.linalg.ops.transforms.Transforms.max(y, 0, true), 6, false);
        };
    }

    static double[] maxAbsPerChannel(INDArray w) {
        int[] dims = new int[w.rank() - 1];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i + 1;
        }
        return Nd4j.math().abs(w).max(dims).castTo(DataType.DOUBLE).toDoubleVector();
    }
}
