package io.qforge.engine.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.ShapeInference;
import io.qforge.engine.graph.ValueInfo;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QatTrainer;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Issue 8: on resnet18 / regnet_x_400mf the simulation and the integer engine agreed on top-1 for
 * only 95-98% of the images after one QAT epoch. Layer by layer (io.qforge.engine.int8.LayerAgreementProbe),
 * fed the same integer input, every layer agreed except for ~1e-5 of its outputs, off by one step:
 * <ul>
 * <li>Conv/Gemm: the float32 simulation's value before its output fake quant lies up to ~5e-4 steps
 *     from the exact {@code (acc + q_b) s_in s_w[c] / s_out + z_out} (float32 products and sums), which
 *     the integer engine computes exactly (Q31 multiplier, one rounding); near a tie the two round to
 *     different neighbours;</li>
 * <li>Add: the integer engine's TFLite scheme (2^-20 common scale, two roundings) rounded ~1e-6 of the
 *     outputs differently from {@code rint} of the exact sum (Int8PoolAddTest).</li>
 * </ul>
 * A deep residual network amplifies every such 1-step flip (each changes many outputs of the next
 * layer by a fraction of a step): on resnet18 after PTQ 43% of the logits ended off by at least one
 * step. The simulation is now evaluated in float64 ({@link QatModel#float64Executor()}, error ~1e-13
 * steps), weights are folded and quantized in float64 by the converter, and Add rounds once: the two
 * compute the same integers. This test reproduces the pattern on a deep residual CNN with BatchNorm
 * after a QAT epoch (BN statistics and weights moved, observers updated in the last steps).
 */
class DeepResidualAgreementTest {
    private static final int BLOCKS = 10;
    private static final long C = 16;
    private static final long HW = 12;
    private static QatModel model;
    private static IntModel intModel;
    private static INDArray xTest;

    @BeforeAll
    static void trainOneEpoch() {
        Graph g = deepResidual(7);
        Dataset d = randomData(11, 256, 128);
        model = QatModel.prepare(g, QuantConfig.defaults().toBuilder().calibrationBatches(4).build());
        Calibrator.calibrate(model, d.xTrain(), 32, 4);
        QatTrainer.fit(model, d, TrainConfig.defaults().withEpochs(1).withBatchSize(32), new TrainingListener() { },
                () -> false);
        intModel = IntModelConverter.convert(model);
        xTest = d.xTest();
    }

    @Test
    void float64SimulationAndIntegerEngineComputeTheSameIntegersInEveryLayer() {
        IntExecutor ie = new IntExecutor(intModel);
        Map<String, INDArray> ints = ie.runAll(xTest);
        Executor.Pass pass = model.float64Executor().forward(xTest, false, false);
        int layers = 0;
        for (IntLayer l : intModel.layers()) {
            INDArray sim = pass.value(l.output());
            if (sim == null) {
                continue;
            }
            layers++;
            long[] off = stepsOff(sim, ints.get(l.output()), intModel.encoding(l.output()));
            assertThat(off[0]).as("values of %s off by a step or more, float64 simulation vs integer engine", l.output())
                    .isZero();
        }
        assertThat(layers).isGreaterThanOrEqualTo(3 * BLOCKS);
        long n = xTest.size(0);
        INDArray simLogits = pass.value(model.executor().logitsName());
        assertThat(top1Agreement(simLogits, ie.run(xTest), n)).isEqualTo(1.0);
    }

    /**
     * The cause, kept visible: the same simulation in float32 rounds some outputs to the other
     * neighbour, and the flips grow with depth (this is what the test above would see without the
     * float64 evaluation).
     */
    @Test
    void float32SimulationPartsFromTheIntegerEngineWithDepth() {
        Map<String, INDArray> ints = new IntExecutor(intModel).runAll(xTest);
        Executor.Pass pass = model.executor().forward(xTest, false, false);
        List<Long> offByLayer = new ArrayList<>();
        for (IntLayer l : intModel.layers()) {
            INDArray sim = pass.value(l.output());
            if (sim != null && l instanceof IntLayer.Add) {
                offByLayer.add(stepsOff(sim, ints.get(l.output()), intModel.encoding(l.output()))[0]);
            }
        }
        long first = offByLayer.get(0);
        long last = offByLayer.get(offByLayer.size() - 1);
        System.out.println("float32 simulation vs integer engine, values off per residual Add: " + offByLayer);
        assertThat(last).as("float32 simulation: values off after the last block").isGreaterThan(0);
        assertThat(last).as("flips grow with depth").isGreaterThan(first);
    }

    /** {values off by >= 1 step, values off by > 1 step} of an on-grid float tensor vs an int8 one. */
    private static long[] stepsOff(INDArray onGrid, INDArray q, QuantParams p) {
        INDArray s = Transforms.round(onGrid.castTo(DataType.DOUBLE).div(p.scale(0)).addi(p.zeroPoint(0)), false);
        INDArray d = Transforms.abs(s.subi(q.castTo(DataType.DOUBLE).reshape(s.shape())), false);
        return new long[] {d.gt(0.5).castTo(DataType.INT).sumNumber().longValue(),
                d.gt(1.5).castTo(DataType.INT).sumNumber().longValue()};
    }

    private static double top1Agreement(INDArray a, INDArray b, long n) {
        return Nd4j.argMax(a.reshape(n, -1), 1).eq(Nd4j.argMax(b.reshape(n, -1), 1)).castTo(DataType.INT)
                .sumNumber().doubleValue() / n;
    }

    /**
     * x [-1,3,12,12] -> Conv 3->16 + BN + Relu -> {@link #BLOCKS} x (Conv + BN + Relu, Conv + BN, Add skip,
     * Relu) -> GlobalAveragePool -> Flatten -> Gemm 16->10. He-initialised random weights, BN statistics
     * near but not at the identity.
     */
    static Graph deepResidual(long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> inits = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        String x = convBn(nodes, inits, "stem", "x", 3, true);
        for (int b = 0; b < BLOCKS; b++) {
            String h = convBn(nodes, inits, "b" + b + "a", x, C, true);
            h = convBn(nodes, inits, "b" + b + "b", h, C, false);
            nodes.add(new Node("b" + b + "add", "Add", List.of(h, x), List.of("b" + b + "sum"), Map.of()));
            nodes.add(new Node("b" + b + "relu", "Relu", List.of("b" + b + "sum"), List.of("b" + b + "out"), Map.of()));
            x = "b" + b + "out";
        }
        nodes.add(new Node("gap", "GlobalAveragePool", List.of(x), List.of("gap"), Map.of()));
        nodes.add(new Node("flat", "Flatten", List.of("gap"), List.of("flat"), Map.of("axis", 1L)));
        inits.put("fcW", Nd4j.randn(DataType.FLOAT, 10, C).muli(Math.sqrt(1.0 / C)));
        inits.put("fcB", Nd4j.randn(DataType.FLOAT, 10).muli(0.1));
        nodes.add(new Node("fc", "Gemm", List.of("flat", "fcW", "fcB"), List.of("y"), Map.of("transB", 1L)));
        List<ValueInfo> in = List.of(new ValueInfo("x", ElementType.FLOAT, new long[] {-1, 3, HW, HW}));
        Map<String, long[]> shapes = ShapeInference.infer(in, nodes, inits);
        return new Graph("deep_residual", in, List.of(new ValueInfo("y", ElementType.FLOAT, new long[] {-1, 10})), nodes,
                inits, shapes, 13);
    }

    private static String convBn(List<Node> nodes, Map<String, INDArray> inits, String name, String in, long cin,
                                 boolean relu) {
        inits.put(name + "W", Nd4j.randn(DataType.FLOAT, C, cin, 3, 3).muli(Math.sqrt(2.0 / (9 * cin))));
        inits.put(name + "g", Nd4j.rand(DataType.FLOAT, C).muli(0.5).addi(0.5));
        inits.put(name + "beta", Nd4j.randn(DataType.FLOAT, C).muli(0.1));
        inits.put(name + "mean", Nd4j.randn(DataType.FLOAT, C).muli(0.1));
        inits.put(name + "var", Nd4j.rand(DataType.FLOAT, C).muli(0.5).addi(0.75));
        nodes.add(new Node(name + "conv", "Conv", List.of(in, name + "W"), List.of(name + "c"), Map.of("kernel_shape",
                new long[] {3, 3}, "strides", new long[] {1, 1}, "pads", new long[] {1, 1, 1, 1}, "dilations",
                new long[] {1, 1}, "group", 1L)));
        String out = relu ? name + "bn" : name + "out";
        nodes.add(new Node(name + "bn", "BatchNormalization", List.of(name + "c", name + "g", name + "beta",
                name + "mean", name + "var"), List.of(out), Map.of("epsilon", 1e-5, "momentum", 0.9)));
        if (relu) {
            nodes.add(new Node(name + "relu", "Relu", List.of(out), List.of(name + "out"), Map.of()));
        }
        return name + "out";
    }

    private static Dataset randomData(long seed, int train, int test) {
        Nd4j.getRandom().setSeed(seed);
        Random r = new Random(seed);
        int[] yTrain = r.ints(train, 0, 10).toArray();
        int[] yTest = r.ints(test, 0, 10).toArray();
        return new Dataset(Nd4j.randn(DataType.FLOAT, train, 3, HW, HW), yTrain, Nd4j.randn(DataType.FLOAT, test, 3, HW, HW),
                yTest);
    }
}
