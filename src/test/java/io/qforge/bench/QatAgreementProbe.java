package io.qforge.bench;

import io.qforge.engine.convert.IntModel;
import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.IdxReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;


/**
 * Diagnostic (not a unit test): per quantized activation, how far the fake-quant simulation and the
 * integer engine are apart after PTQ, in steps of that activation's encoding (share of values more
 * than 1 LSB apart, max, mean), and the top-1 agreement of the two on the first 1000 test images.
 * Used for the W4A4 observation in BENCHMARKS.md.
 *
 * <p>Args: model.onnx weightBits activationBits learnedRanges(true|false); Fashion-MNIST from
 * /usr/share/datasets/fashion-mnist. Run with the test classpath as in bench/qat.sh.
 */
public final class QatAgreementProbe {
    public static void main(String[] a) {
        Dataset d = IdxReader.fromDirectory(Path.of("/usr/share/datasets/fashion-mnist"));
        io.qforge.engine.graph.Graph g = OnnxImporter.load(Path.of(a[0]));
        int wb = Integer.parseInt(a[1]), ab = Integer.parseInt(a[2]);
        boolean lsq = Boolean.parseBoolean(a[3]);
        QatModel m = QatModel.prepare(g, QuantConfig.builder().weightBits(wb).activationBits(ab).learnedRanges(lsq).build());
        Calibrator.calibrate(m, d.xTrain(), 64, 16);
        m.adoptLearnedScales();
        IntModel im = IntModelConverter.convert(m);
        IntExecutor ie = new IntExecutor(im);
        INDArray x = d.xTest().get(NDArrayIndex.interval(0, 1000)).dup();
        Map<String, INDArray> ints = ie.runAll(x);
        Executor.Pass pass = m.executor().forward(x, false, false);
        for (String q : m.plan().activations()) {
            INDArray sim = pass.value(m.quantizedTensor(q));
            INDArray iv = ints.get(q);
            if (sim == null || iv == null) { System.out.println(q + ": sim " + (sim != null) + " int " + (iv != null)); continue; }
            QuantParams p = m.params(q);
            QuantParams pi = im.encoding(q);
            INDArray steps = sim.castTo(DataType.DOUBLE).div(p.scale(0)).addi(p.zeroPoint(0));
            INDArray diff = Transforms.abs(steps.sub(iv.castTo(DataType.DOUBLE).reshape(steps.shape())), false);
            System.out.printf("%-60s sim s=%.5g z=%d | int s=%.5g z=%d | >1LSB %.4f  max %.1f  mean %.4f%n", q, p.scale(0), p.zeroPoint(0),
                    pi.scale(0), pi.zeroPoint(0), diff.gt(1.0 + 1e-6).castTo(DataType.INT).sumNumber().doubleValue() / diff.length(),
                    diff.maxNumber().doubleValue(), diff.meanNumber().doubleValue());
        }
        INDArray simOut = pass.value(m.executor().logitsName());
        INDArray intOut = ie.run(x);
        long n = x.size(0);
        double agree = Nd4j.argMax(simOut.reshape(n, -1), 1).eq(Nd4j.argMax(intOut.reshape(n, -1), 1)).castTo(DataType.INT).sumNumber().doubleValue() / n;
        System.out.println("top1 agreement sim vs int: " + agree);
    }
}
