package io.qforge.engine.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.ops.OpContext;
import io.qforge.engine.ops.OpRegistry;
import io.qforge.engine.quant.BnFold;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.quant.QuantUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Why the fake-quant simulation and the integer engine drifted apart at W4A4 on the depthwise model
 * (BENCHMARKS.md, "Observations"), and that they no longer do. Layer by layer, each side fed the SAME
 * integer input (the simulation's fake-quantized input of that layer, which lies on the grid), on
 * dwsep_relu6 after PTQ:
 * <ul>
 * <li>the integer layer equals the QDQ float reference with the int32 bias
 *     {@code s_in s_w[c] rint(b_fold / (s_in s_w[c]))} exactly (conversion and integer engine are right);</li>
 * <li>the float bias {@code b_fold} (what the simulation used to add) differs from it by up to
 *     {@code M_c / 2} output LSB ({@code M_c = s_in s_w[c] / s_out}; measured 0.33 LSB at W4A4, 0.045 at
 *     W8A8), which flipped 0.4-4.7% of a layer's outputs by 1 LSB at W4A4; later layers amplified the flips
 *     (up to 13 LSB after the last depthwise conv, top-1 agreement 96.9% on the 360 test digits);</li>
 * <li>with {@link io.qforge.engine.quant.QatOpTypes#BIAS_ROUNDING} the simulation adds the int32-grid bias:
 *     it matches the integer layer from the same input, and the two agree end to end.</li>
 * </ul>
 */
class SimulationBiasRoundingTest {
    @ParameterizedTest
    @CsvSource({"8, false", "4, false", "4, true"})
    void simulationAddsTheInt32BiasTheIntegerEngineAdds(int bits, boolean learnedRanges) {
        Dataset d = Fixtures.DWSEP.data();
        QatModel m = QatModel.prepare(Fixtures.DWSEP.graph(),
                QuantConfig.builder().weightBits(bits).activationBits(bits).learnedRanges(learnedRanges).build());
        Calibrator.calibrate(m, d.xTrain(), 64, 16);
        m.adoptLearnedScales();
        IntModel im = IntModelConverter.convert(m);
        IntExecutor ie = new IntExecutor(im);
        INDArray x = d.xTest();
        Map<String, INDArray> ints = ie.runAll(x);
        Executor.Pass pass = m.executor().forward(x, false, false);
        double maxBiasErrorLsb = 0;
        double maxFloatBiasFlips = 0;
        int convs = 0;
        for (IntLayer l : im.layers()) {
            if (!(l instanceof IntLayer.Conv c)) {
                continue;
            }
            convs++;
            QuantParams pi = im.encoding(c.input());
            QuantParams po = im.encoding(c.output());
            INDArray sim = simValue(m, pass, c.output(), ints.get(c.output()).shape());
            INDArray qin = QuantPrimitives.quantize(simValue(m, pass, c.input(), ints.get(c.input()).shape()), pi);
            INDArray xin = QuantPrimitives.dequantize(qin, pi, DataType.FLOAT);
            IntModel one = new IntModel("one", c.input(), qin.shape(), List.of(c), Map.of(c.input(), pi, c.output(), po),
                    c.output(), c.output(), -1);
            INDArray intOut = new IntExecutor(one).runQuantized(qin).get(c.output());
            INDArray int32BiasRef = IntModelFloatSimulation.layer(im, c, Map.of(c.input(), xin));
            double[] bFold = foldedBias(m, c);
            INDArray floatBiasRef = floatBiasReference(c, xin, bFold, po);

            double[] intVsInt32Ref = steps(int32BiasRef, intOut, po);
            double[] floatRefVsInt = steps(floatBiasRef, intOut, po);
            maxFloatBiasFlips = Math.max(maxFloatBiasFlips, floatRefVsInt[0]);
            double[] simVsInt = steps(sim, intOut, po);
            for (int k = 0; k < bFold.length; k++) {
                double step = pi.scale(0) * c.weightParams().scale(k);
                maxBiasErrorLsb = Math.max(maxBiasErrorLsb,
                        Math.abs(Math.rint(bFold[k] / step) - bFold[k] / step) * step / po.scale(0));
            }
            System.out.printf("W%dA%d %-50s int vs int32-bias QDQ: differ %.4f max %.0f | float-bias QDQ vs int:"
                    + " differ %.4f max %.0f | sim vs int (same input): differ %.4f max %.0f%n", bits, bits, c.output(),
                    intVsInt32Ref[0], intVsInt32Ref[1], floatRefVsInt[0], floatRefVsInt[1], simVsInt[0], simVsInt[1]);
            // float32 ties can still flip a rare value (the float bias flipped up to 4.7% at W4A4)
            assertThat(intVsInt32Ref[0]).as("int engine vs int32-bias QDQ, %s", c.output()).isLessThanOrEqualTo(1e-3);
            assertThat(simVsInt[0]).as("simulation vs int from the same input, %s", c.output()).isLessThanOrEqualTo(1e-3);
            assertThat(simVsInt[1]).as("sim vs int from the same input, %s", c.output()).isLessThanOrEqualTo(1);
        }
        assertThat(convs).isEqualTo(4);
        System.out.printf("W%dA%d max bias rounding %.3f output LSB%n", bits, bits, maxBiasErrorLsb);
        if (bits == 4) { // the case the correction is for: a float bias visibly flips outputs at 4 bits
            assertThat(maxFloatBiasFlips).isGreaterThan(0.01);
        }

        long n = x.size(0);
        INDArray intQ = ints.get(im.quantizedOutput());
        INDArray qdq = IntModelFloatSimulation.run(im, x).get(im.quantizedOutput());
        double[] chain = steps(qdq, intQ, im.encoding(im.quantizedOutput()));
        double simTop1 = top1Agreement(pass.value(m.executor().logitsName()), ie.run(x), n);
        double qdqTop1 = top1Agreement(qdq, ie.run(x), n);
        System.out.printf("W%dA%d top-1 agreement: simulation vs int %.4f; int32-bias float chain vs int %.4f"
                + " (logits differ %.4f)%n", bits, bits, simTop1, qdqTop1, chain[0]);
        assertThat(chain[0]).as("int32-bias float chain vs int engine logits").isLessThanOrEqualTo(1e-2);
        assertThat(qdqTop1).isGreaterThanOrEqualTo(0.995);
        assertThat(simTop1).isGreaterThanOrEqualTo(0.995);
    }

    private static INDArray simValue(QatModel m, Executor.Pass pass, String tensor, long[] shape) {
        String src = m.plan().encodingSources().get(tensor);
        return pass.value(m.quantizedTensor(src == null ? tensor : src)).reshape(shape);
    }

    /** conv(x, dequant(w_q), b_fold in float), clip, fake quant: the simulation's formula on the int layer's weights. */
    private static INDArray floatBiasReference(IntLayer.Conv c, INDArray x, double[] bFold, QuantParams out) {
        INDArray w = QuantPrimitives.dequantize(c.weight(), c.weightParams(), DataType.FLOAT);
        Node n = new Node("ref", "Conv", List.of("x", "w", "b"), List.of("y"), Map.of("kernel_shape",
                new long[] {w.size(2), w.size(3)}, "strides", c.strides(), "pads", c.pads(), "dilations", c.dilations(),
                "group", (long) c.group()));
        INDArray y = OpRegistry.create(n).forward(new INDArray[] {x, w, Nd4j.createFromArray(bFold).castTo(DataType.FLOAT)},
                new OpContext(false))[0];
        y = Transforms.min(Transforms.max(y, c.clip().min(), true), c.clip().max(), true);
        return QuantPrimitives.fakeQuantize(y, out);
    }

    private static double[] foldedBias(QatModel m, IntLayer.Conv c) {
        Graph g = m.graph();
        for (QuantUnit u : m.plan().units()) {
            if (u instanceof QuantUnit.Linear l && l.op().name().equals(c.name())) {
                Node bn = l.batchNorm();
                INDArray bias = l.op().hasInput(2) ? g.initializer(l.op().input(2)) : null;
                return BnFold.foldBias(bias, g.initializer(bn.input(1)), g.initializer(bn.input(2)),
                        g.initializer(bn.input(3)), g.initializer(bn.input(4)), bn.attrFloat("epsilon", 1e-5));
            }
        }
        throw new IllegalStateException("no unit for conv " + c.name());
    }

    /** {share of values whose grid steps differ, max |difference| in steps} of two float/int tensors. */
    private static double[] steps(INDArray a, INDArray b, QuantParams p) {
        INDArray sa = grid(a, p);
        INDArray sb = grid(b, p).reshape(sa.shape());
        INDArray diff = Transforms.abs(sa.sub(sb), false);
        return new double[] {diff.gt(0.5).castTo(DataType.INT).sumNumber().doubleValue() / diff.length(),
                diff.maxNumber().doubleValue()};
    }

    private static INDArray grid(INDArray v, QuantParams p) {
        if (v.dataType() == DataType.INT8) {
            return v.castTo(DataType.DOUBLE);
        }
        return Transforms.round(v.castTo(DataType.DOUBLE).div(p.scale(0)).addi(p.zeroPoint(0)), false);
    }

    private static double top1Agreement(INDArray a, INDArray b, long n) {
        return Nd4j.argMax(a.reshape(n, -1), 1).eq(Nd4j.argMax(b.reshape(n, -1), 1)).castTo(DataType.INT)
                .sumNumber().doubleValue() / n;
    }
}
