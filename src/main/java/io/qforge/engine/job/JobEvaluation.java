package io.qforge.engine.job;

import ai.onnxruntime.OrtException;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.data.Batches;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.export.QdqExporter;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.train.Metrics;
import io.qforge.engine.train.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test-set accuracy of the fake-quant simulation (one float64 pass, {@link QatModel#float64Executor()}),
 * of the integer engine and of ONNX Runtime on the exported file, and how the
 * three implementations agree: arg-max agreement simulation vs integer engine and integer engine
 * vs ORT, and the fraction of quantized output values within one step, integer engine vs ORT.
 * When the model ends in a float Softmax, ORT's within-one-step comparison runs on an export of
 * the same integer model without that Softmax (softmax output cannot be mapped back to steps).
 */
record JobEvaluation(Metrics fakeQuant, Metrics int8, Metrics ort, JobReport.Agreement agreement) {

    static JobEvaluation of(QatModel qat, IntModel intModel, IntExecutor int8, byte[] qdq, Dataset data, int bs) {
        return of(qat, intModel, int8, qdq, data, bs, StepTimer.NONE);
    }

    static JobEvaluation of(QatModel qat, IntModel intModel, IntExecutor int8, byte[] qdq, Dataset data, int bs,
                            StepTimer t) {
        INDArray xTest = data.xTest();
        int[] y = data.yTest();
        var both = Concurrently.run(() -> t.time("simulation", () -> simulatedLogits(qat, xTest, bs)),
                () -> t.time("int8", () -> quantizedOutputs(int8, xTest, bs)));
        INDArray simulated = both.first();
        INDArray q = both.second();
        QuantParams outEnc = intModel.encoding(intModel.quantizedOutput());
        INDArray intLogits = dequantize(q, outEnc);
        Metrics int8Metrics = metrics(intLogits, y);
        Metrics fakeQuant = metrics(simulated, y);
        try {
            long start = System.nanoTime();
            INDArray ortOut;
            try (OrtRunner ort = new OrtRunner(qdq)) {
                ortOut = ort.runBatched(xTest, bs);
            }
            t.listener().timing("ort.evaluation", (System.nanoTime() - start) / 1e9);
            Metrics ortMetrics = intModel.softmaxAxis() >= 0 ? probabilityMetrics(ortOut, y) : metrics(ortOut, y);
            INDArray ortLogits = ortOut;
            if (intModel.softmaxAxis() >= 0) {
                IntModel noSoftmax = new IntModel(intModel.name(), intModel.input(), intModel.inputShape(),
                        intModel.layers(), intModel.activations(), intModel.quantizedOutput(),
                        intModel.quantizedOutput(), -1);
                start = System.nanoTime();
                try (OrtRunner ort = new OrtRunner(QdqExporter.toBytes(noSoftmax))) {
                    ortLogits = ort.runBatched(xTest, bs);
                }
                t.listener().timing("ort.noSoftmax", (System.nanoTime() - start) / 1e9);
            }
            double within = withinOneStep(q, ortLogits, outEnc);
            JobReport.Agreement agreement = new JobReport.Agreement(top1Agreement(simulated, intLogits),
                    withinOneStep(q, simulated, outEnc), top1Agreement(intLogits, ortOut), within);
            return new JobEvaluation(fakeQuant, int8Metrics, ortMetrics, agreement);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not run the exported model: " + e.getMessage(), e);
        }
    }

    /**
     * The simulation's last quantized tensor (the logits, before a final float Softmax) for every
     * row of {@code x}, computed in float64 ({@link QatModel#float64Executor()}); its values lie on the
     * output encoding's grid.
     */
    private static INDArray simulatedLogits(QatModel qat, INDArray x, int bs) {
        io.qforge.engine.exec.Executor exec = qat.float64Executor();
        int n = (int) x.size(0);
        INDArray all = null;
        int row = 0;
        for (int[] idx : Batches.sequential(n, bs)) {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = io.qforge.engine.train.Workspaces.step("qforge-eval")) {
                INDArray yb = exec.forward(Batches.gather(x, idx), false, false).value(exec.logitsName());
                if (all == null) {
                    long[] shape = yb.shape().clone();
                    shape[0] = n;
                    all = io.qforge.engine.train.Workspaces.detached(() -> Nd4j.create(DataType.FLOAT, shape));
                }
                all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, row + idx.length)).assign(yb);
                row += idx.length;
            }
        }
        return all;
    }

    /** Accuracy and loss of the integer engine (on its dequantized pre-softmax output). */
    static Metrics intMetrics(IntExecutor int8, Dataset data, int bs) {
        IntModel m = int8.model();
        INDArray q = quantizedOutputs(int8, data.xTest(), bs);
        return metrics(dequantize(q, m.encoding(m.quantizedOutput())), data.yTest());
    }

    private static INDArray quantizedOutputs(IntExecutor int8, INDArray x, int bs) {
        int n = (int) x.size(0);
        INDArray all = null;
        int row = 0;
        for (int[] idx : Batches.sequential(n, bs)) {
            INDArray qb = int8.quantizedOutput(Batches.gather(x, idx)).castTo(DataType.INT);
            if (all == null) {
                long[] shape = qb.shape().clone();
                shape[0] = n;
                all = Nd4j.create(DataType.INT, shape);
            }
            all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(row, row + idx.length)).assign(qb);
            row += idx.length;
        }
        return all;
    }

    private static INDArray dequantize(INDArray q, QuantParams p) {
        return q.castTo(DataType.FLOAT).subi(p.zeroPoint(0)).muli(p.scale(0));
    }

    private static Metrics metrics(INDArray logits, int[] y) {
        SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.of(logits.reshape(y.length, -1), y);
        return new Metrics((double) ce.correct() / y.length, ce.loss(), y.length);
    }

    /** Metrics from probabilities (a model ending in Softmax): loss = mean -log p[y]. */
    private static Metrics probabilityMetrics(INDArray probs, int[] y) {
        INDArray p = probs.reshape(y.length, -1);
        INDArray argmax = Nd4j.argMax(p, 1);
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < y.length; i++) {
            correct += argmax.getInt(i) == y[i] ? 1 : 0;
            loss -= Math.log(Math.max(p.getDouble(i, y[i]), 1e-12));
        }
        return new Metrics((double) correct / y.length, loss / y.length, y.length);
    }

    private static double top1Agreement(INDArray a, INDArray b) {
        long n = a.size(0);
        INDArray am = Nd4j.argMax(a.reshape(n, -1), 1);
        INDArray bm = Nd4j.argMax(b.reshape(n, -1), 1);
        return am.eq(bm).castTo(DataType.INT).sumNumber().doubleValue() / n;
    }

    /**
     * A float output that lies on the output encoding's grid (ORT's dequantized output, the
     * simulation's fake-quantized logits), mapped back to integer steps and compared with the
     * engine's integers. The mapping rounds to the nearest step: float32 values like
     * {@code s * (q - z)} divided by {@code s} are off the integer by ~1e-5 for large q.
     */
    private static double withinOneStep(INDArray q, INDArray onGrid, QuantParams p) {
        INDArray steps = onGrid.castTo(DataType.DOUBLE).div(p.scale(0)).addi(p.zeroPoint(0));
        steps = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Rint(steps, steps.ulike()));
        INDArray diff = org.nd4j.linalg.ops.transforms.Transforms.abs(steps.subi(q.castTo(DataType.DOUBLE)), false);
        return diff.lte(1.0).castTo(DataType.INT).sumNumber().doubleValue() / diff.length();
    }
}
