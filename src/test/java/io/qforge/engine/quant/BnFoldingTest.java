package io.qforge.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.OpContext;
import io.qforge.engine.ops.OpRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conv + BatchNorm folded during QAT (QAT-MATH.md): forward equivalence and gradients. */
class BnFoldingTest {
    private static final List<String> STATS = List.of("mean", "var");

    @Test
    void frozenBatchNormIsExactlyTheFoldedQuantizedConv() {
        QatModel m = QatModel.prepare(TinyGraphs.convBnRelu(1), QuantConfig.defaults());
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 32, 3, 6, 6);
        Calibrator.calibrate(m, x, 16, 2);
        Graph g = m.graph();
        Map<String, INDArray> statsBefore = snapshot(g);

        Executor.Pass frozen = m.executor().forward(x, true, true);
        Executor.Pass eval = m.executor().forward(x, false, false);
        assertThat(snapshot(g)).as("frozen BN keeps its running statistics").isEqualTo(statsBefore);

        INDArray wFold = BnFold.foldWeight(g.initializer("W"), g.initializer("gamma"), g.initializer("var"), 1e-5);
        INDArray wq = QuantPrimitives.fakeQuantize(wFold, m.params("W"));
        assertThat(frozen.value(m.quantizedTensor("W"))).as("the fake-quantized folded weight").isEqualTo(wq);
        double[] bFold = BnFold.foldBias(g.initializer("b"), g.initializer("gamma"), g.initializer("beta"),
                g.initializer("mean"), g.initializer("var"), 1e-5);
        // the bias on the int32 grid of the integer engine: s_x s_w[c] rint(b_fold / (s_x s_w[c])) (BiasRoundingOp)
        double sx = m.params("x").scale(0);
        double[] sw = m.params("W").scales();
        int[] qb = QuantPrimitives.quantizeBias(Nd4j.createFromArray(bFold), sx, sw).toIntVector();
        double[] bGrid = new double[qb.length];
        for (int c = 0; c < qb.length; c++) {
            bGrid[c] = qb[c] * sx * sw[c];
        }
        Node conv = new Node("ref", "Conv", List.of("x", "w", "b"), List.of("y"), TinyGraphs.convAttrs());
        INDArray xq = frozen.value(m.quantizedTensor("x"));
        INDArray expected = OpRegistry.create(conv).forward(new INDArray[] {xq, wq,
                Nd4j.createFromArray(bGrid).castTo(DataType.FLOAT)}, new OpContext(false))[0];

        for (Executor.Pass p : List.of(frozen, eval)) {
            INDArray actual = p.value("bnout");
            double err = actual.sub(expected).amaxNumber().doubleValue();
            double scale = expected.amaxNumber().doubleValue();
            System.out.printf("BNFOLD max |qat unit - conv(x, fq(w_fold)) - b_fold(int32 grid)| = %.3e (max |y| %.3f)%n", err, scale);
            assertThat(err).isLessThanOrEqualTo(4e-6 * scale);
        }

        Executor.Pass live = m.executor().forward(x, true, false);
        assertThat(live.value("bnout").sub(expected).amaxNumber().doubleValue())
                .as("live BN normalizes with batch statistics, not the folded form").isGreaterThan(1e-3);
        assertThat(snapshot(g)).as("live BN updates its running statistics").isNotEqualTo(statsBefore);
    }

    @Test
    void gradientsThroughTheRewrittenUnitMatchFiniteDifferences() {
        QatModel m = QatModel.prepare(TinyGraphs.convBnRelu(3), QuantConfig.defaults());
        Executor.castGraph(m.graph(), DataType.DOUBLE);
        m.setObserversEnabled(false);
        m.setFakeQuantEnabled(false);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 3, 6, 6);
        INDArray r = Nd4j.rand(DataType.DOUBLE, 5, 4, 6, 6).subi(0.5);
        Executor exec = m.executor();
        assertThat(exec.trainableParameters()).contains("W", "b", "gamma", "beta").doesNotContain("mean", "var");
        Map<String, INDArray> stats = snapshot(m.graph());
        for (boolean frozen : new boolean[] {false, true}) {
            restore(m.graph(), stats);
            Executor.Pass pass = exec.forward(x, true, frozen);
            Map<String, INDArray> grads = exec.backward(pass, r);
            for (String p : List.of("W", "gamma")) {
                INDArray numeric = FiniteDifferences.gradient(v -> {
                    restore(m.graph(), stats);
                    return exec.forward(x, true, frozen).value("y").mul(r).sumNumber().doubleValue();
                }, m.graph().initializer(p), 1e-6);
                double err = maxRelativeError(grads.get(p), numeric);
                System.out.printf("BNFOLD GRADCHECK %-6s BN %-6s max error %.3e%n", p, frozen ? "frozen" : "live", err);
                assertThat(err).as("%s, BN %s", p, frozen ? "frozen" : "live").isLessThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void foldFactorGradientReachesGammaOnly() {
        Node node = new Node("f", QatOpTypes.BN_FOLD_FACTOR, List.of("gamma", "var"), List.of("f", "inv"),
                Map.of("epsilon", 1e-3));
        BnFoldFactorOp op = new BnFoldFactorOp(node);
        INDArray gamma = Nd4j.createFromArray(0.7, -1.3, 2.0);
        INDArray var = Nd4j.createFromArray(0.5, 1.5, 0.1);
        INDArray g0 = Nd4j.createFromArray(0.3, -0.2, 0.5).reshape(3, 1, 1, 1);
        INDArray g1 = Nd4j.createFromArray(-0.4, 0.1, 0.9).reshape(1, 3, 1, 1);
        OpContext ctx = new OpContext(true);
        INDArray[] out = op.forward(new INDArray[] {gamma, var}, ctx);
        assertThat(out[0].shape()).containsExactly(3, 1, 1, 1);
        assertThat(out[1].shape()).containsExactly(1, 3, 1, 1);
        INDArray[] grads = op.backward(new INDArray[] {gamma, var}, out, new INDArray[] {g0, g1}, ctx);
        assertThat(grads[1]).isNull();
        INDArray numeric = FiniteDifferences.gradient(v -> {
            INDArray[] o = op.forward(new INDArray[] {v, var}, new OpContext(true));
            return o[0].mul(g0).sumNumber().doubleValue() + o[1].mul(g1).sumNumber().doubleValue();
        }, gamma, 1e-6);
        assertThat(maxRelativeError(grads[0], numeric)).isLessThanOrEqualTo(1e-6);
    }

    private static double maxRelativeError(INDArray analytic, INDArray numeric) {
        double worst = 0;
        INDArray a = analytic.reshape(analytic.length());
        INDArray n = numeric.reshape(numeric.length());
        for (long i = 0; i < a.length(); i++) {
            double av = a.getDouble(i);
            double nv = n.getDouble(i);
            worst = Math.max(worst, Math.abs(av - nv) / Math.max(1e-2, Math.max(Math.abs(av), Math.abs(nv))));
        }
        return worst;
    }

    private static Map<String, INDArray> snapshot(Graph g) {
        Map<String, INDArray> m = new HashMap<>();
        STATS.forEach(s -> m.put(s, g.initializer(s).dup()));
        return m;
    }

    private static void restore(Graph g, Map<String, INDArray> stats) {
        stats.forEach((k, v) -> g.initializer(k).assign(v));
    }
}
