package io.qforge.bench;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.IdxReader;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.JobReport;
import io.qforge.engine.job.JobResult;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.Trainer;
import io.qforge.engine.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * QAT benchmark, qforge side (not a unit test; run through {@code bench/qat.sh}). For each FP32
 * ONNX model (exported by {@code bench/qat_torch.py} after FP32 training) and each scheme (W8A8,
 * W4A8, W4A4 with learned ranges), runs one {@link QatJob}: FP32, PTQ (simulation and integer
 * engine) and QAT (simulation, integer engine, ONNX Runtime on the exported file). Step times: the
 * QAT job's own training steps (fake quantization on), and {@code fp32Steps} steps of the FP32
 * {@link Trainer} on the unmodified graph, half before and half after the jobs, same batch size,
 * optimizer and thread count; ratio = median QAT step / median FP32 step. Prints one JSON line.
 *
 * <p>Args: fashion-mnist-dir batch qatLr calibrationBatches fp32Steps maxTrainRows(0 = all)
 * name=model.onnx...
 */
public final class QatBenchmark {
    static final String[] SCHEMES = {"W8A8", "W4A8", "W4A4-LSQ"};

    public static void main(String[] args) throws Exception {
        Dataset full = IdxReader.fromDirectory(Path.of(args[0]));
        int batch = Integer.parseInt(args[1]);
        double lr = Double.parseDouble(args[2]);
        int calibration = Integer.parseInt(args[3]);
        int fp32Steps = Integer.parseInt(args[4]);
        int maxRows = Integer.parseInt(args[5]);
        Dataset data = maxRows > 0 && maxRows < full.trainSize() ? head(full, maxRows) : full;
        TrainConfig train = TrainConfig.defaults().withEpochs(1).withBatchSize(batch)
                .withOptimizer(TrainConfig.OptimizerKind.ADAM, lr).withSchedule(TrainConfig.ScheduleKind.COSINE);

        Map<String, String> models = new LinkedHashMap<>();
        for (String m : Arrays.copyOfRange(args, 6, args.length)) {
            models.put(m.substring(0, m.indexOf('=')), m.substring(m.indexOf('=') + 1));
        }
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"engine\": \"qforge\", \"batch\": %d, \"qat_lr\": %s, \"calib_batches\": %d, \"qat_epochs\": 1, "
                        + "\"train_rows\": %d, \"omp_threads\": \"%s\", \"models\": {",
                batch, lr, calibration, data.trainSize(), System.getenv().getOrDefault("OMP_NUM_THREADS", "")));
        String sep = "";
        for (Map.Entry<String, String> e : models.entrySet()) {
            byte[] onnx = Files.readAllBytes(Path.of(e.getValue()));
            long t0 = System.nanoTime();
            List<Double> fp32Ms = fp32StepMs(onnx, data, train, fp32Steps / 2);
            StringBuilder schemes = new StringBuilder();
            double fp32Acc = Double.NaN;
            List<Double> qatMsAll = new ArrayList<>();
            String[] perScheme = new String[SCHEMES.length];
            for (int s = 0; s < SCHEMES.length; s++) {
                long j0 = System.nanoTime();
                String label = e.getKey() + " " + SCHEMES[s];
                List<Double> qatMs = new ArrayList<>();
                QatJobSpec spec = new QatJobSpec(quantConfig(SCHEMES[s], calibration), train, 256);
                JobResult r = QatJob.run(onnx, data, spec, new JobListener() {
                    @Override
                    public void step(int epoch, int total, int step, int steps, double loss, double acc, double ips) {
                        qatMs.add(batch / ips * 1000);
                        if (step % 200 == 0) {
                            System.err.printf(Locale.ROOT, "[qforge] %s step %d/%d loss %.4f%n", label, step, steps, loss);
                        }
                    }
                }, () -> false, null);
                JobReport rep = r.report();
                fp32Acc = rep.fp32().accuracy();
                qatMsAll.addAll(qatMs);
                perScheme[s] = String.format(Locale.ROOT,
                        "\"%s\": {\"ptq_sim\": %.4f, \"ptq_int8\": %.4f, \"qat_sim\": %.4f, \"qat_int8\": %.4f, "
                                + "\"qat_ort\": %.4f, \"qat_step_ms\": %.2f, \"qat_steps\": %d, "
                                + "\"agree_sim_int8\": %.4f, \"agree_int8_ort\": %.4f, \"within_1lsb\": %.4f, "
                                + "\"ort_integer_kernels\": %b, \"size_ratio\": %.3f, \"min_sqnr_db\": %.1f, "
                                + "\"seconds\": %.0f}",
                        SCHEMES[s], rep.ptqFakeQuant().accuracy(), rep.ptqInt8().accuracy(),
                        rep.qatFakeQuant().accuracy(), rep.qatInt8().accuracy(), rep.qatOrt().accuracy(),
                        median(qatMs), qatMs.size(), rep.agreement().simulationVsInt8Top1(),
                        rep.agreement().int8VsOrtTop1(), rep.agreement().int8VsOrtWithin1Lsb(),
                        rep.ortUsesIntegerKernels(), rep.sizes().ratio(), minSqnr(rep),
                        (System.nanoTime() - j0) / 1e9);
                System.err.println("[qforge] " + e.getKey() + " " + perScheme[s]);
            }
            fp32Ms.addAll(fp32StepMs(onnx, data, train, fp32Steps - fp32Steps / 2));
            json.append(sep).append(String.format(Locale.ROOT,
                    "\"%s\": {\"fp32\": %.4f, \"fp32_step_ms\": %.2f, \"fp32_steps\": %d, \"schemes\": {%s}, "
                            + "\"seconds\": %.0f}",
                    e.getKey(), fp32Acc, median(fp32Ms), fp32Ms.size(), String.join(", ", perScheme),
                    (System.nanoTime() - t0) / 1e9));
            sep = ", ";
        }
        System.out.println(json.append("}}"));
    }

    static QuantConfig quantConfig(String scheme, int calibration) {
        QuantConfig.Builder b = QuantConfig.builder().calibrationBatches(calibration);
        return switch (scheme) {
            case "W8A8" -> b.build();
            case "W4A8" -> b.weightBits(4).build();
            case "W4A4-LSQ" -> b.weightBits(4).activationBits(4).learnedRanges(true).build();
            default -> throw new IllegalArgumentException("scheme " + scheme + ": not one of " + Arrays.toString(SCHEMES));
        };
    }

    /** Median ms of {@code steps} FP32 training steps on a fresh import of the model. */
    static List<Double> fp32StepMs(byte[] onnx, Dataset data, TrainConfig train, int steps) {
        List<Double> ms = new ArrayList<>();
        if (steps <= 0) {
            return ms;
        }
        new Trainer(new Executor(OnnxImporter.load(onnx)), train).fit(data, new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, double loss, double acc, double ips) {
                ms.add(train.batchSize() / ips * 1000);
            }
        }, () -> ms.size() >= steps);
        return ms;
    }

    static double minSqnr(JobReport rep) {
        return rep.layers().stream().filter(l -> l.sqnrDb() != null).mapToDouble(JobReport.LayerError::sqnrDb)
                .min().orElse(Double.NaN);
    }

    static Dataset head(Dataset d, int rows) {
        return new Dataset(d.xTrain().get(NDArrayIndex.interval(0, rows)).dup(), Arrays.copyOf(d.yTrain(), rows),
                d.xTest(), d.yTest());
    }

    static double median(List<Double> v) {
        return Fp32TrainBenchmark.median(v);
    }
}
