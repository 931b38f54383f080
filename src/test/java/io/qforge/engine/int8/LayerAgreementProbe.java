package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QatTrainer;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.QuantPrimitives;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Diagnostic (not a unit test): where the fake-quant simulation and the integer engine part, layer
 * by layer, on a real model after PTQ and optionally QAT epochs. For each integer layer it prints
 * <ul>
 * <li>chain: the simulation's value of the layer output vs the integer engine's (each side fed by
 *     its own earlier layers), as the share of values off by >= 1 and > 1 step, and the max;</li>
 * <li>same input: the integer kernel fed the simulation's own (on-grid) inputs vs the simulation's
 *     output: a layer whose two sides disagree here is where they part, not where they inherit it.</li>
 * </ul>
 * Args: model.onnx data.npz epochs [testImages=256] [calibrationBatches=4] [batch=32]; {@code -Dprobe.float32=true}
 * evaluates the simulation in float32 (as before issue 8), {@code -Dprobe.time=true} first times float32 and
 * float64 simulation passes.
 */
public final class LayerAgreementProbe {
    public static void main(String[] a) {
        QatModel m = QatModel.prepare(OnnxImporter.load(Path.of(a[0])), QuantConfig.defaults().toBuilder()
                .calibrationBatches(a.length > 4 ? Integer.parseInt(a[4]) : 4).build());
        Dataset d = NpzReader.read(Path.of(a[1]));
        int epochs = Integer.parseInt(a[2]);
        int n = a.length > 3 ? Integer.parseInt(a[3]) : 256;
        int batch = a.length > 5 ? Integer.parseInt(a[5]) : 32;
        Calibrator.calibrate(m, d.xTrain(), batch, m.config().calibrationBatches());
        if (epochs > 0) {
            QatTrainer.fit(m, d, TrainConfig.defaults().withEpochs(epochs).withBatchSize(batch),
                    new TrainingListener() { }, () -> false);
        }
        report(m, d.xTest().get(NDArrayIndex.interval(0, Math.min(n, d.xTest().size(0)))).dup());
    }

    static void report(QatModel m, INDArray x) {
        if (Boolean.getBoolean("probe.time")) { // seconds of a float32 and a float64 simulation pass, alternating
            for (int r = 0; r < 6; r++) {
                long t0 = System.nanoTime();
                m.executor().forward(x, false, false);
                long t1 = System.nanoTime();
                m.float64Executor().forward(x, false, false);
                long t2 = System.nanoTime();
                System.out.printf("pass seconds: float32 %.2f float64 %.2f%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
            }
        }
        IntModel im = IntModelConverter.convert(m);
        IntExecutor ie = new IntExecutor(im);
        Map<String, INDArray> ints = ie.runAll(x);
        Executor.Pass pass = (Boolean.getBoolean("probe.float32") ? m.executor() : m.float64Executor())
                .forward(x, false, false);
        IntSteps steps = new IntSteps(im, RequantRounding.HALF_EVEN);
        for (IntLayer l : im.layers()) {
            QuantParams po = im.encoding(l.output());
            INDArray iv = ints.get(l.output());
            INDArray sim = simValue(m, pass, l.output(), iv.shape());
            double[] chain = diff(sim, iv, po);
            INDArray[] in = new INDArray[l.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                String t = l.inputs().get(i);
                in[i] = QuantPrimitives.quantize(simValue(m, pass, t, ints.get(t).shape()), im.encoding(t));
            }
            INDArray same = steps.step(l).kernel().apply(in)[0];
            double[] iso = diff(sim, same, po);
            String exact = l instanceof IntLayer.Conv c ? exactConv(m, pass, im, c, in[0], same, sim) : "";
            System.out.printf("%-8s %-55s chain: off %.4f >1 %.4f max %3.0f | same input: off %.6f >1 %.4f max %3.0f%s%n",
                    l.getClass().getSimpleName(), l.output(), chain[0], chain[1], chain[2], iso[0], iso[1], iso[2], exact);
        }
        long rows = x.size(0);
        INDArray simOut = pass.value(m.executor().logitsName()).castTo(DataType.FLOAT);
        INDArray intOut = ie.run(x);
        double agree = Nd4j.argMax(simOut.reshape(rows, -1), 1).eq(Nd4j.argMax(intOut.reshape(rows, -1), 1))
                .castTo(DataType.INT).sumNumber().doubleValue() / rows;
        System.out.println("top-1 agreement sim vs int8: " + agree);
    }

    /**
     * The conv's exact pre-rounding output in output steps, {@code (acc + q_b) s_in s_w[c] / s_out + z_out}
     * (integer conv in double: exact), against the simulation's float value before its output fake
     * quant and the integer kernel's result: how far the simulation is from exact (max, in steps) and
     * how many outputs each side rounds differently from the exact value.
     */
    private static String exactConv(QatModel m, Executor.Pass pass, IntModel im, IntLayer.Conv c, INDArray qin,
                                    INDArray intOut, INDArray simOut) {
        QuantParams pi = im.encoding(c.input());
        QuantParams po = im.encoding(c.output());
        INDArray xi = qin.castTo(DataType.DOUBLE).subi(pi.zeroPoint(0));
        INDArray w = c.weight().castTo(DataType.DOUBLE);
        double[] mult = new double[(int) w.size(0)];
        double[] b = new double[mult.length];
        for (int k = 0; k < mult.length; k++) {
            double sw = c.weightParams().scale(c.weightParams().channels() == 1 ? 0 : k);
            mult[k] = pi.scale(0) * sw / po.scale(0);
            b[k] = c.bias()[k];
        }
        io.qforge.engine.graph.Node n = new io.qforge.engine.graph.Node("exact", "Conv", java.util.List.of("x", "w", "b"),
                java.util.List.of("y"), Map.of("kernel_shape", new long[] {w.size(2), w.size(3)}, "strides", c.strides(),
                "pads", c.pads(), "dilations", c.dilations(), "group", (long) c.group()));
        INDArray acc = io.qforge.engine.ops.OpRegistry.create(n).forward(new INDArray[] {xi, w,
                Nd4j.createFromArray(b)}, new io.qforge.engine.ops.OpContext(false))[0];
        INDArray exact = acc.dup();
        for (int k = 0; k < mult.length; k++) {
            exact.get(NDArrayIndex.all(), NDArrayIndex.point(k)).muli(mult[k]);
        }
        exact.addi(po.zeroPoint(0));
        String src = m.plan().encodingSources().get(c.output());
        INDArray simPre = pass.value(m.quantizedTensor(src) + ":float").castTo(DataType.DOUBLE).reshape(exact.shape())
                .div(po.scale(0)).addi(po.zeroPoint(0));
        double lo = c.clip().min() == 0 ? po.zeroPoint(0) : po.qmin();
        INDArray exactC = Transforms.min(Transforms.max(exact, lo, true), po.qmax(), false);
        INDArray simC = Transforms.min(Transforms.max(simPre, lo, true), po.qmax(), false);
        double maxErr = Transforms.abs(simC.sub(exactC), false).maxNumber().doubleValue();
        INDArray exactR = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Rint(exactC, exactC.ulike()));
        double len = exactR.length();
        double simFlips = Transforms.abs(simOut.castTo(DataType.DOUBLE).reshape(exact.shape()).div(po.scale(0))
                .addi(po.zeroPoint(0)).subi(exactR), false).gt(0.5).castTo(DataType.INT).sumNumber().doubleValue();
        double intFlips = Transforms.abs(intOut.castTo(DataType.DOUBLE).reshape(exact.shape()).sub(exactR), false)
                .gt(0.5).castTo(DataType.INT).sumNumber().doubleValue();
        return String.format(" | exact: sim pre-round err max %.2e steps, sim rounds off %.0f, int %.0f of %.0f", maxErr,
                simFlips, intFlips, len);
    }

    private static INDArray simValue(QatModel m, Executor.Pass pass, String tensor, long[] shape) {
        boolean input = m.graph().inputs().get(0).name().equals(tensor);
        return pass.value(input ? m.quantizedTensor(tensor) : tensor).reshape(shape);
    }

    /** {share off by >= 1 step, share off by > 1 step, max steps} of an on-grid float tensor vs an int8 one. */
    private static double[] diff(INDArray onGrid, INDArray q, QuantParams p) {
        INDArray s = Transforms.round(onGrid.castTo(DataType.DOUBLE).div(p.scale(0)).addi(p.zeroPoint(0)), false);
        INDArray dd = Transforms.abs(s.subi(q.castTo(DataType.DOUBLE).reshape(s.shape())), false);
        double len = dd.length();
        return new double[] {dd.gt(0.5).castTo(DataType.INT).sumNumber().doubleValue() / len,
                dd.gt(1.5).castTo(DataType.INT).sumNumber().doubleValue() / len, dd.maxNumber().doubleValue()};
    }
}
