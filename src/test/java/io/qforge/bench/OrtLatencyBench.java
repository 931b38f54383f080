package io.qforge.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.export.ActivationType;
import io.qforge.engine.export.KernelReport;
import io.qforge.engine.export.OrtKernelCheck;
import io.qforge.engine.export.OrtLatency;
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.export.QdqExportOptions;
import io.qforge.engine.export.QdqExporter;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.quant.QuantParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * INT8 deployment speed of one model in ONNX Runtime (issue 9 item 4; not a unit test, see
 * {@code bench/latency.sh}): imports the FP32 file, calibrates (PTQ, 4 batches of 32 training
 * images, as {@code JobProbe} with 0 epochs), converts to the integer model and exports the QDQ
 * artifact; checks integer engine vs ORT top-1 on the first 64 test images; then, per intra-op
 * thread count, the FP32 and INT8 median latency at batch 1 and 64 ({@link OrtLatency}, runs
 * alternating) and what is left in float in ORT's optimized INT8 graph. Prints one JSON line.
 * Writes the INT8 artifact and ORT's optimized graph of it to {@code outDir}.
 *
 * <p>Args: model.onnx data.npz outDir [runs=15] [threads=1,2] [batches=1,64]
 */
public final class OrtLatencyBench {
    /** Ops of the optimized graph that run on 8-bit data or move it without arithmetic. */
    static final Set<String> INTEGER_OR_SHAPE = Set.of("QLinearConv", "QLinearMatMul", "QGemm", "MatMulInteger",
            "ConvInteger", "QLinearAdd", "QLinearMul", "QLinearConcat", "QLinearGlobalAveragePool",
            "QLinearAveragePool", "QLinearSigmoid", "QLinearLeakyRelu", "QLinearSoftmax", "MaxPool", "Reshape",
            "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Clip", "NhwcMaxPool");
    /** Data-movement ops the layout transformer adds (NCHWc and NHWC reorders). */
    static final Set<String> REORDERS = Set.of("ReorderInput", "ReorderOutput", "Transpose");

    public static void main(String[] args) throws Exception {
        Path modelFile = Path.of(args[0]);
        Dataset data = NpzReader.read(Path.of(args[1]));
        Path out = Path.of(args[2]);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        List<Integer> threads = ints(args.length > 4 ? args[4] : "1,2");
        List<Integer> batches = ints(args.length > 5 ? args[5] : "1,64");
        Files.createDirectories(out);
        String stem = modelFile.getFileName().toString().replaceFirst("\\.onnx$", "");

        byte[] fp32 = Files.readAllBytes(modelFile);
        QatModel m = QatModel.prepare(OnnxImporter.load(fp32), QuantConfig.defaults());
        Calibrator.calibrate(m, data.xTrain(), 32, 4);
        IntModel intModel = IntModelConverter.convert(m);
        // -Dbench.activations=INT8: S8S8 (int8 activations) with session.qdqisint8allowed=1, instead of the default U8S8
        boolean s8 = System.getProperty("bench.activations", "UINT8").equals("INT8");
        Map<String, String> config = s8 ? Map.of("session.qdqisint8allowed", "1") : Map.of();
        byte[] int8 = QdqExporter.export(intModel, s8 ? QdqExportOptions.DEFAULT.withActivations(ActivationType.INT8)
                : QdqExportOptions.DEFAULT).bytes();
        if (s8) stem += "-s8s8";
        Files.write(out.resolve(stem + "-int8.onnx"), int8);
        Path optimized = out.resolve(stem + "-int8-ort.onnx");
        writeOptimized(int8, optimized, config);
        KernelReport k = OrtKernelCheck.check(int8, config);

        INDArray x = data.xTest().get(NDArrayIndex.interval(0, Math.min(64, data.xTest().size(0))));
        double agree = int8VsOrtTop1(intModel, x, int8);

        StringBuilder lat = new StringBuilder();
        for (int t : threads) {
            OrtLatency l = OrtLatency.measure(fp32, int8, data.xTest(), batches, 3, runs, t, config);
            for (OrtLatency.Point p : l.points()) {
                if (lat.length() > 0) lat.append(',');
                lat.append(String.format(Locale.ROOT, "{\"threads\":%d,\"batch\":%d,\"fp32Ms\":%.3f,\"int8Ms\":%.3f,\"ratio\":%.3f}",
                        t, p.batch(), p.fp32Ms(), p.int8Ms(), p.int8OverFp32()));
            }
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"model\":\"%s\",\"int8VsOrtTop1\":%.4f,\"sourceGemmLike\":%d,\"integerKernels\":%d,\"floatKernels\":\"%s\","
                        + "\"dequantizeLeft\":%d,\"quantizeLeft\":%d,\"reorders\":%d,\"floatOpsLeft\":%d,\"optimizedOps\":\"%s\",\"latency\":[%s]}",
                stem, agree, k.sourceGemmLike(), k.integerKernels(), String.join(" ", k.floatKernels()),
                k.optimized("DequantizeLinear"), k.optimized("QuantizeLinear"), reorders(k), floatOps(k),
                k.optimizedOps().toString().replace("\"", ""), lat));
    }

    /** Ops of the optimized graph that compute in float: everything but integer kernels, 8-bit data movement, Q/DQ and reorders. */
    static int floatOps(KernelReport k) {
        int n = 0;
        for (Map.Entry<String, Integer> e : k.optimizedOps().entrySet()) {
            String op = e.getKey().replaceFirst("@.*", "");
            if (!INTEGER_OR_SHAPE.contains(op) && !REORDERS.contains(op) && !op.equals("QuantizeLinear")
                    && !op.equals("DequantizeLinear")) {
                n += e.getValue();
            }
        }
        return n;
    }

    static int reorders(KernelReport k) {
        return REORDERS.stream().mapToInt(k::optimized).sum();
    }

    /** ORT's optimized graph (all optimizations, as {@link OrtKernelCheck}) saved for inspection. */
    static void writeOptimized(byte[] model, Path file, Map<String, String> config) throws Exception {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            for (Map.Entry<String, String> e : config.entrySet()) opts.addConfigEntry(e.getKey(), e.getValue());
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setOptimizedModelFilePath(file.toString());
            try (OrtSession ignored = OrtEnvironment.getEnvironment().createSession(model, opts)) {
                // the session writes the optimized graph
            }
        }
    }

    static double int8VsOrtTop1(IntModel intModel, INDArray x, byte[] int8) throws Exception {
        // OrtRunner uses default session options: with int8 activations on x86 that is still a valid run (ORT rewrites to uint8 or runs float)
        INDArray q = new IntExecutor(intModel).quantizedOutput(x).castTo(DataType.DOUBLE);
        QuantParams enc = intModel.encoding(intModel.quantizedOutput());
        INDArray engine = q.sub(enc.zeroPoint(0)).mul(enc.scale(0));
        INDArray ort;
        try (OrtRunner r = new OrtRunner(int8)) {
            ort = r.run(x).castTo(DataType.DOUBLE);
        }
        long n = x.size(0);
        int same = 0;
        for (long i = 0; i < n; i++) {
            if (engine.getRow(i).argMax().getInt(0) == ort.getRow(i).argMax().getInt(0)) same++;
        }
        return (double) same / n;
    }

    static List<Integer> ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(Integer::parseInt).toList();
    }
}
