package io.qforge.bench;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.JobPhase;
import io.qforge.engine.job.JobResult;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One whole {@link QatJob} on a model and an .npz, printing per phase its seconds and the
 * process's resident memory (VmRSS) and peak (VmHWM) as one JSON line at the end (not a unit test:
 * a diagnostic and the qforge side of the zoo benchmark).
 *
 * <p>Args: model.onnx data.npz epochs batch calibrationBatches evalBatch
 */
public final class JobProbe {
    public static void main(String[] args) throws Exception {
        byte[] model = Files.readAllBytes(Path.of(args[0]));
        Dataset data = NpzReader.read(Path.of(args[1]));
        int epochs = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        int calibration = Integer.parseInt(args[4]);
        int evalBatch = Integer.parseInt(args[5]);
        var spec = new QatJobSpec(QuantConfig.defaults().toBuilder().calibrationBatches(calibration).build(),
                TrainConfig.defaults().withEpochs(epochs).withBatchSize(batch), evalBatch);
        Map<String, String> phases = new LinkedHashMap<>();
        long[] start = {System.nanoTime()};
        String[] current = {null};
        double[] ips = {0};
        Map<String, Double> steps = new LinkedHashMap<>();
        JobListener listener = new JobListener() {
            @Override
            public void phase(JobPhase phase) {
                end(current[0], phases, start);
                current[0] = phase.name();
                System.err.println("phase " + phase + " rss " + rss());
            }

            @Override
            public void step(int epoch, int totalEpochs, int step, int steps, double loss, double acc, double imagesPerSecond) {
                ips[0] = imagesPerSecond;
            }

            @Override
            public void timing(String step, double seconds) {
                steps.merge(step, seconds, Double::sum);
                System.err.printf(Locale.ROOT, "step %s %.2f s rss %s%n", step, seconds, rss());
            }

            @Override
            public void epoch(EpochResult result, int totalEpochs) {
                System.err.println("epoch " + result);
            }
        };
        JobResult r = QatJob.run(model, data, spec, listener, () -> false, null);
        end(current[0], phases, start);
        System.err.println("after the job: rss " + rss());
        System.gc();
        Thread.sleep(3000);
        long idleMb = status("VmRSS") / 1024;
        System.err.println("after System.gc(): rss " + rss());
        var rep = r.report();
        System.out.println(String.format(Locale.ROOT,
                "{\"model\":\"%s\",\"idleRssMb\":%d,\"fp32\":%.4f,\"ptqInt8\":%.4f,\"qatInt8\":%.4f,\"qatOrt\":%.4f,\"simVsInt8\":%.4f,"
                        + "\"simVsInt8Within1Lsb\":%.4f,\"int8VsOrt\":%.4f,\"int8VsOrtWithin1Lsb\":%.4f,\"qatImagesPerSecond\":%.1f,\"phases\":{%s},\"peakRssMb\":%d,\"latency\":\"%s\",\"integerMacShare\":%s,"
                        + "\"floatIslands\":%d,\"floatIslandOps\":\"%s\",\"steps\":{%s}}",
                Path.of(args[0]).getFileName(), idleMb, rep.fp32().accuracy(), rep.ptqInt8().accuracy(), rep.qatInt8().accuracy(),
                rep.qatOrt().accuracy(), rep.agreement().simulationVsInt8Top1(), rep.agreement().simulationVsInt8Within1Lsb(),
                rep.agreement().int8VsOrtTop1(), rep.agreement().int8VsOrtWithin1Lsb(), ips[0],
                String.join(",", phases.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue()).toList()),
                status("VmHWM") / 1024, rep.latency().points(), rep.integerMacShare(), rep.floatIslands().size(),
                islandOps(rep.floatIslands()), String.join(",", steps.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "\"%s\":%.2f", e.getKey(), e.getValue())).toList())));
    }

    /** "BatchNormalization x58, Softmax x1": float islands counted by op type. */
    static String islandOps(java.util.List<io.qforge.engine.job.JobReport.FloatIsland> islands) {
        Map<String, Integer> n = new java.util.TreeMap<>();
        islands.forEach(i -> n.merge(i.opType(), 1, Integer::sum));
        return String.join(", ", n.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).toList());
    }

    private static void end(String phase, Map<String, String> phases, long[] start) {
        long now = System.nanoTime();
        if (phase != null) {
            phases.put(phase, String.format(Locale.ROOT, "{\"s\":%.2f,\"rssMb\":%d,\"peakMb\":%d}", (now - start[0]) / 1e9,
                    status("VmRSS") / 1024, status("VmHWM") / 1024));
        }
        start[0] = now;
    }

    static String rss() {
        return status("VmRSS") / 1024 + " MB (peak " + status("VmHWM") / 1024 + " MB)";
    }

    /** A kB field of /proc/self/status. */
    static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
