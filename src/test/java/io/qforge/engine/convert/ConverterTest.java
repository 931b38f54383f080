package io.qforge.engine.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.Fixtures;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.ShapeInference;
import io.qforge.engine.graph.ValueInfo;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.Granularity;
import io.qforge.engine.quant.Symmetry;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.quant.QatTrainer;
import io.qforge.engine.quant.QuantUnit;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainingListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class ConverterTest {

    private static QatModel calibrated(Fixtures.Model fx, Dataset data) {
        QatModel m = QatModel.prepare(fx.graph(), QuantConfig.defaults());
        Calibrator.calibrate(m, data.xTrain(), 64, 4);
        return m;
    }

    @Test
    void everyFixtureConvertsToAValidIntModel() {
        for (Fixtures.Model fx : Fixtures.all()) {
            QatModel m = calibrated(fx, fx.data());
            IntModel im = IntModelConverter.convert(m);
            assertThat(im.activations()).containsKey(im.input());
            for (IntLayer l : im.layers()) {
                assertThat(im.activations()).as(l.name()).containsKey(l.output());
                l.inputs().forEach(i -> assertThat(im.activations()).as(l.name() + " input " + i).containsKey(i));
                if (l instanceof IntLayer.Conv c) {
                    checkWeights(l.name(), c.weight(), c.weightParams(), c.bias());
                } else if (l instanceof IntLayer.Gemm g) {
                    checkWeights(l.name(), g.weight(), g.weightParams(), g.bias());
                }
            }
            im.activations().values().forEach(p -> assertThat(p.axis()).isEqualTo(QuantParams.PER_TENSOR_AXIS));
            String out = fx.graph().outputs().get(0).name();
            assertThat(im.outputName()).isEqualTo(out);
            assertThat(im.softmaxAxis()).isEqualTo(fx == Fixtures.OPS_ZOO ? 1 : -1);
            assertThat(im.quantizedOutput()).isEqualTo(fx == Fixtures.OPS_ZOO ? "/Add_output_0" : out);
            System.out.printf("CONVERT %-18s %2d layers %s%n", fx, im.layers().size(),
                    im.layers().stream().map(l -> l.getClass().getSimpleName()).toList());
        }
    }

    private static void checkWeights(String layer, INDArray w, QuantParams p, int[] bias) {
        assertThat(w.dataType()).as(layer).isEqualTo(DataType.INT8);
        assertThat(w.minNumber().intValue()).as(layer).isGreaterThanOrEqualTo(p.qmin());
        assertThat(w.maxNumber().intValue()).as(layer).isLessThanOrEqualTo(p.qmax());
        assertThat(p.axis()).as(layer).isZero();
        assertThat((long) p.channels()).as(layer).isEqualTo(w.size(0));
        assertThat((long) bias.length).as(layer).isEqualTo(w.size(0));
        assertThat(p.zeroPoints()).containsOnly(0);
    }

    @Test
    void convertedParamsAreTheOnesTheFakeQuantGraphUses() {
        for (Fixtures.Model fx : List.of(Fixtures.LENET, Fixtures.DWSEP, Fixtures.RESNET, Fixtures.MLP,
                Fixtures.OPS_ZOO)) {
            Dataset data = fx.data();
            assertAgreement(fx.name() + " PTQ", calibrated(fx, data), data.xTest(), 0.995, 0.99);
        }
    }

    @Test
    void afterQatAndLsqTrainingTheConverterStillUsesTheGraphsParams() {
        Dataset data = Fixtures.LENET.data();
        TrainConfig train = TrainConfig.defaults().withEpochs(1).withBatchSize(64)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, 1e-3);
        for (QuantConfig cfg : List.of(QuantConfig.defaults(),
                QuantConfig.builder().weightBits(4).activationBits(4).learnedRanges(true).build())) {
            QatModel m = QatModel.prepare(Fixtures.LENET.graph(), cfg);
            Calibrator.calibrate(m, data.xTrain(), 64, 4);
            QatTrainer.fit(m, data, train, TrainingListener.NONE, () -> false);
            boolean eightBit = cfg.activationBits() == 8;
            assertAgreement("lenet QAT W" + cfg.weightBits() + "A" + cfg.activationBits()
                    + (cfg.learnedRanges() ? " LSQ" : ""), m, data.xTest(), eightBit ? 0.995 : 0.99,
                    eightBit ? 0.99 : 0.98);
        }
    }

    /**
     * Fake-quant on, observers off: the dequantized int weights equal the graph's fake-quantized
     * weights bit for bit; each layer simulated from the IntModel params on the graph's own inputs
     * is within 1 LSB of the graph's tensor (differences: int32 vs float bias, fold arithmetic order).
     * At 4 bits the int32 bias rounding ({@code <= s_in s_w / 2}) is a larger part of an output
     * LSB, so more values land on the neighbouring integer and the end-to-end agreement is lower.
     */
    private static void assertAgreement(String label, QatModel m, INDArray x, double minExact, double minTop1) {
        IntModel im = IntModelConverter.convert(m);
        Executor.Pass pass = m.executor().forward(x, false, false);
        Map<String, INDArray> qat = new LinkedHashMap<>();
        im.activations().keySet().forEach(t -> qat.put(t, pass.value(t.equals(im.input())
                ? m.quantizedTensor(t) : t)));
        for (QuantUnit u : m.plan().units()) {
            if (u instanceof QuantUnit.Linear l) {
                IntLayer layer = im.layers().stream().filter(k -> k.name().equals(l.op().name())).findFirst()
                        .orElseThrow();
                INDArray wq = layer instanceof IntLayer.Conv c ? dequant(c.weight(), c.weightParams())
                        : dequant(((IntLayer.Gemm) layer).weight(), ((IntLayer.Gemm) layer).weightParams());
                INDArray graphW = pass.value(m.quantizedTensor(l.weight()));
                if (l.weightAxis() == 1) {
                    graphW = graphW.transpose();
                }
                assertThat(wq).as("%s %s: dequantized int weight vs the graph's fake-quantized weight", label,
                        l.weight()).isEqualTo(graphW);
            }
        }
        long total = 0;
        long exact = 0;
        double worst = 0;
        for (IntLayer l : im.layers()) {
            INDArray sim = IntModelFloatSimulation.layer(im, l, qat);
            INDArray lsb = Transforms.abs(sim.sub(qat.get(l.output())).divi(im.encoding(l.output()).scale(0)));
            double maxLsb = lsb.maxNumber().doubleValue();
            total += lsb.length();
            exact += lsb.lt(0.5).castTo(DataType.INT32).sumNumber().longValue();
            worst = Math.max(worst, maxLsb);
            assertThat(maxLsb).as("%s layer %s: |simulation - QAT graph| in LSB", label, l.name())
                    .isLessThanOrEqualTo(1.0 + 1e-3);
        }
        Map<String, INDArray> endToEnd = IntModelFloatSimulation.run(im, x);
        INDArray a = endToEnd.get(im.quantizedOutput()).argMax(1);
        INDArray b = qat.get(im.quantizedOutput()).argMax(1);
        double top1 = a.eq(b).castTo(DataType.INT32).sumNumber().doubleValue() / a.length();
        System.out.printf("AGREEMENT %-24s per-layer exact %.5f (max %.2f LSB), end-to-end top-1 %.4f%n",
                label, (double) exact / total, worst, top1);
        assertThat((double) exact / total).as(label).isGreaterThanOrEqualTo(minExact);
        assertThat(top1).as(label).isGreaterThanOrEqualTo(minTop1);
    }

    private static INDArray dequant(INDArray q, QuantParams p) {
        return QuantPrimitives.dequantize(q, p, DataType.FLOAT);
    }

    @Test
    void perTensorWeightsConvertWithOneScaleAndAsymmetricWeightsAreRefused() {
        Dataset data = Fixtures.MLP.data();
        QatModel m = QatModel.prepare(Fixtures.MLP.graph(),
                QuantConfig.builder().weightGranularity(Granularity.PER_TENSOR).build());
        Calibrator.calibrate(m, data.xTrain(), 64, 2);
        IntModel im = IntModelConverter.convert(m);
        assertThat(im.layers()).filteredOn(l -> l instanceof IntLayer.Gemm).allSatisfy(l -> {
            IntLayer.Gemm g = (IntLayer.Gemm) l;
            assertThat(g.weightParams().axis()).isEqualTo(QuantParams.PER_TENSOR_AXIS);
            assertThat((long) g.bias().length).isEqualTo(g.weight().size(0));
        });
        QatModel asym = QatModel.prepare(Fixtures.MLP.graph(),
                QuantConfig.builder().weightSymmetry(Symmetry.ASYMMETRIC).build());
        Calibrator.calibrate(asym, data.xTrain(), 64, 2);
        assertThatThrownBy(() -> IntModelConverter.convert(asym)).isInstanceOf(ConversionException.class)
                .hasMessageContaining("'/fc1/Gemm'").hasMessageContaining("asymmetric");
    }

    @Test
    void aSoftmaxInsideTheGraphBecomesAFloatIslandBetweenIntegerGemms() {
        Map<String, INDArray> inits = new LinkedHashMap<>();
        Nd4j.getRandom().setSeed(5);
        inits.put("w1", Nd4j.randn(DataType.FLOAT, 3, 4));
        inits.put("w2", Nd4j.randn(DataType.FLOAT, 2, 3));
        List<Node> nodes = List.of(
                new Node("fc1", "Gemm", List.of("x", "w1"), List.of("h"), Map.of("transB", 1L)),
                new Node("mid_softmax", "Softmax", List.of("h"), List.of("p"), Map.of("axis", 1L)),
                new Node("fc2", "Gemm", List.of("p", "w2"), List.of("y"), Map.of("transB", 1L)));
        List<ValueInfo> in = List.of(new ValueInfo("x", ElementType.FLOAT, new long[] {-1, 4}));
        Graph g = new Graph("mid_softmax", in, List.of(new ValueInfo("y", ElementType.FLOAT, new long[] {-1, 2})),
                nodes, inits, ShapeInference.infer(in, nodes, inits), 13);
        QatModel m = QatModel.prepare(g, QuantConfig.defaults());
        Calibrator.calibrate(m, Nd4j.randn(DataType.FLOAT, 16, 4), 8, 2);
        IntModel im = IntModelConverter.convert(m);
        assertThat(im.layers()).extracting(IntLayer::name).containsExactly("fc1", "mid_softmax", "fc2");
        assertThat(im.layers().get(0)).isInstanceOf(IntLayer.Gemm.class);
        assertThat(im.layers().get(1)).isInstanceOfSatisfying(IntLayer.FloatIsland.class, f -> {
            assertThat(f.inputs()).containsExactly("h");
            assertThat(f.opType()).isEqualTo("Softmax");
        });
        assertThat(im.layers().get(2)).isInstanceOf(IntLayer.Gemm.class);
    }

    @Test
    void anUncalibratedModelIsRefused() {
        QatModel m = QatModel.prepare(Fixtures.MLP.graph(), QuantConfig.defaults());
        assertThatThrownBy(() -> IntModelConverter.convert(m)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not calibrated");
    }
}
