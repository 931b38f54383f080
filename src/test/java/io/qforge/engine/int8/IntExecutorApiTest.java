package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.Symmetry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** IntExecutor's API contract, refusals with precise messages, and speed. */
class IntExecutorApiTest {

    @Test
    void lenetBatchOf360DigitsRunsWellUnderASecondAndGivesConsistentViews() {
        Dataset d = TestIntModels.digits();
        IntModel m = TestIntModels.build("lenet", d, 8, 8);
        long t0 = System.nanoTime();
        IntExecutor ex = new IntExecutor(m);
        long prepare = System.nanoTime() - t0;
        INDArray x = d.xTest();
        assertThat(x.size(0)).isEqualTo(360);
        ex.run(x); // warm-up
        long[] times = new long[5];
        INDArray y = null;
        for (int i = 0; i < times.length; i++) {
            long s = System.nanoTime();
            y = ex.run(x);
            times[i] = System.nanoTime() - s;
        }
        Arrays.sort(times);
        double medianMs = times[2] / 1e6;
        System.out.printf("MEASURE int executor lenet_w8a8 batch 360 (8x8): median %.1f ms (min %.1f, max %.1f),"
                + " prepare %.1f ms%n", medianMs, times[0] / 1e6, times[4] / 1e6, prepare / 1e6);
        assertThat(medianMs).as("median ms for 360 images").isLessThan(2000);
        assertThat(y.shape()).containsExactly(360, 10);
        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);

        // quantizedOutput / runAll / run agree; quantizeInput is the first runAll entry
        INDArray q = ex.quantizedOutput(x);
        Map<String, INDArray> all = ex.runAll(x);
        assertThat(all.keySet()).containsExactly("input", "c1", "p1", "c2", "p2", "r", "fc1", "logits");
        assertThat(q).isEqualTo(all.get("logits"));
        assertThat(ex.quantizeInput(x)).isEqualTo(all.get("input"));
        assertThat(ex.runQuantized(all.get("input")).get("logits")).isEqualTo(q);
        assertThat(all.get("r").shape()).containsExactly(360, 64);
        // DOUBLE input quantizes the same here
        assertThat(ex.quantizedOutput(x.castTo(DataType.DOUBLE))).isEqualTo(q);
    }

    /** ND4J-NOTES' LeNet-ish (timing printed as MEASURE, never asserted) (conv 1->32, conv 32->64, maxpool, dense 9216->128->10) on 300 28x28 inputs. */
    @Test
    void mnistSizedLenetBatchOf300Runs() {
        INDArray calib = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
        IntModel m = new IntModelBuilder("lenet28", calib, 8, 8, 1)
                .conv("c1", "input", 32, 3, 1, 0, 1, 1, IntLayer.Clip.RELU)
                .conv("c2", "c1", 64, 3, 1, 0, 1, 1, IntLayer.Clip.RELU).maxPool("p", "c2", 2, 2)
                .flatten("f", "p", 1).gemm("fc1", "f", 128, IntLayer.Clip.RELU).gemm("logits", "fc1", 10,
                        IntLayer.Clip.NONE).build(1);
        IntExecutor ex = new IntExecutor(m);
        INDArray x = Nd4j.rand(DataType.FLOAT, 300, 1, 28, 28);
        ex.run(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16))); // warm-up
        long s = System.nanoTime();
        INDArray y = ex.run(x);
        double ms = (System.nanoTime() - s) / 1e6;
        System.out.printf("MEASURE int executor lenet28 (conv 1->32, 32->64, fc 9216->128->10) batch 300 (28x28):"
                + " %.0f ms%n", ms);
        // time is printed, not asserted (BENCHMARKS.md holds measured numbers); the batch must equal its parts
        assertThat(y.shape()).containsExactly(300, 10);
        assertThat(ex.run(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(100, 116))))
                .isEqualTo(y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(100, 116)));
    }

    @Test
    void refusesBadInputsWithPreciseMessages() {
        Dataset d = TestIntModels.digits();
        IntModel m = TestIntModels.build("lenet", d, 8, 8);
        IntExecutor ex = new IntExecutor(m);
        assertThatThrownBy(() -> ex.run(Nd4j.zeros(DataType.FLOAT, 2, 1, 7, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model 'lenet_w8a8' input 'input' shape [2, 1, 7, 8] is not allowed ([-1, 1, 8, 8]");
        assertThatThrownBy(() -> ex.run(Nd4j.zeros(DataType.INT32, 2, 1, 8, 8)))
                .hasMessageContaining("input type INT") .hasMessageContaining("(FLOAT or DOUBLE)");
        assertThatThrownBy(() -> ex.runQuantized(Nd4j.zeros(DataType.FLOAT, 2, 1, 8, 8)))
                .hasMessageContaining("quantized input type FLOAT is not allowed (INT8)");
        assertThatThrownBy(() -> new IntExecutor(m, RequantRounding.HALF_EVEN, 0))
                .hasMessageContaining("batchChunk 0 is not allowed (>= 1)");
    }

    @Test
    void refusesMalformedModels() {
        QuantParams a = QuantParams.perTensor(0.05, -3, 8, Symmetry.ASYMMETRIC);
        IntLayer sig = new IntLayer.Sigmoid("sig", "missing", "y");
        IntModel unordered = new IntModel("m", "x", new long[] {-1, 4}, List.of(sig), Map.of("x", a, "y", a),
                "y", "y", -1);
        assertThatThrownBy(() -> new IntExecutor(unordered))
                .hasMessageContaining("model 'm' layer 'sig' reads 'missing', which is not the input or an earlier"
                        + " layer's output");

        QuantParams perChannel = QuantParams.perChannel(new double[] {0.1, 0.2}, new int[] {0, 0}, 1, 8,
                Symmetry.ASYMMETRIC);
        IntModel pc = new IntModel("m", "x", new long[] {-1, 2}, List.of(new IntLayer.Sigmoid("sig", "x", "y")),
                Map.of("x", perChannel, "y", a), "y", "y", -1);
        assertThatThrownBy(() -> new IntExecutor(pc)).hasMessageContaining("model 'm' tensor 'x' has per-channel"
                + " activation params");

        QuantParams w = QuantParams.perChannel(new double[] {0.1, 0.2, 0.3}, new int[3], 0, 8, Symmetry.SYMMETRIC);
        IntLayer gemm = new IntLayer.Gemm("fc", "x", "y", Nd4j.zeros(DataType.INT8, 2, 4), w, new int[2],
                IntLayer.Clip.NONE);
        IntModel badW = new IntModel("m", "x", new long[] {-1, 4}, List.of(gemm), Map.of("x", a, "y", a), "y", "y",
                -1);
        assertThatThrownBy(() -> new IntExecutor(badW)).hasMessageContaining("layer 'fc' weight params")
                .hasMessageContaining("per channel on axis 0 with 2 channels");

        IntLayer gemmOk = new IntLayer.Gemm("fc", "x", "y", Nd4j.zeros(DataType.INT8, 3, 4), w, new int[3],
                IntLayer.Clip.NONE);
        IntModel wrongFeatures = new IntModel("m", "x", new long[] {-1, -1}, List.of(gemmOk),
                Map.of("x", a, "y", a), "y", "y", -1);
        assertThatThrownBy(() -> new IntExecutor(wrongFeatures).run(Nd4j.zeros(DataType.FLOAT, 2, 5)))
                .hasMessageContaining("layer 'fc' (Gemm)").hasMessageContaining("input shape [2, 5] does not end in 4"
                        + " features");
    }

    @Test
    void reshapeFollowsOnnxSemantics() {
        assertThat(Int8Shapes.reshapeTarget(new long[] {5, 4, 2, 2}, new long[] {0, -1}, "r"))
                .containsExactly(5, 16);
        assertThat(Int8Shapes.reshapeTarget(new long[] {5, 16}, new long[] {-1, 4, 2, 2}, "r"))
                .containsExactly(5, 4, 2, 2);
        assertThatThrownBy(() -> Int8Shapes.reshapeTarget(new long[] {5, 16}, new long[] {-1, -1}, "r"))
                .hasMessageContaining("reshape 'r': target [-1, -1] has more than one -1");
        assertThatThrownBy(() -> Int8Shapes.reshapeTarget(new long[] {5, 16}, new long[] {3, -1}, "r"))
                .hasMessageContaining("cannot infer -1 in [3, -1] for input [5, 16]");
        assertThatThrownBy(() -> Int8Shapes.reshapeTarget(new long[] {5, 16}, new long[] {5, 15}, "r"))
                .hasMessageContaining("target [5, 15] has 75 elements, input [5, 16] has 80");
    }

    /** Rank-3 input to a Gemm (MatMul semantics on the last axis) equals the rank-2 run row by row. */
    @Test
    void gemmOnRank3InputWorksOnTheLastAxis() {
        Random rnd = new Random(7);
        QuantParams in = QuantParams.perTensor(0.02, 5, 8, Symmetry.ASYMMETRIC);
        QuantParams out = QuantParams.perTensor(0.1, -10, 8, Symmetry.ASYMMETRIC);
        QuantParams w = QuantParams.perChannel(new double[] {0.01, 0.02, 0.015}, new int[3], 0, 8, Symmetry.SYMMETRIC);
        IntLayer gemm = new IntLayer.Gemm("fc", "x", "y", Int8Reference.randomInt8(rnd, 3, 6), w, new int[] {5, -7, 100},
                IntLayer.Clip.RELU);
        Map<String, QuantParams> enc = new HashMap<>(Map.of("x", in, "y", out));
        IntExecutor e3 = new IntExecutor(new IntModel("m", "x", new long[] {-1, 4, 6}, List.of(gemm), enc, "y", "y", -1));
        IntExecutor e2 = new IntExecutor(new IntModel("m", "x", new long[] {-1, 6}, List.of(gemm), enc, "y", "y", -1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 4, 6).subi(0.3);
        INDArray y3 = e3.quantizedOutput(x);
        assertThat(y3.shape()).containsExactly(2, 4, 3);
        assertThat(y3.reshape(8, 3)).isEqualTo(e2.quantizedOutput(x.reshape(8, 6)));
        assertThat(y3.castTo(DataType.INT32).minNumber().intValue()).as("ReLU clamp at z_y").isGreaterThanOrEqualTo(-10);
    }
}
