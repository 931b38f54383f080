package io.qforge.bench;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.job.JobListener;
import io.qforge.engine.job.JobPhase;
import io.qforge.engine.job.JobResult;
import io.qforge.engine.job.QatJob;
import io.qforge.engine.job.QatJobSpec;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.onnx.UnsupportedModelException;
import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Map;

/**
 * One whole {@link QatJob} on a model and an .npz, printing per phase its seconds and the
 * process's resident memory (VmRSS) and peak (VmHWM) as one JSON line at the end (not a unit test:
 * a diagnostic and the qforge side of the zoo benchmark). Before the job it imports the model and
 * compares the engine's FP32 forward pass with ONNX Runtime (2 seeded images); a job that fails still
 * prints its row: the phase it failed in, the error, the seconds and peak so far. QAT images/s is
 * the median of the training steps' rates. With {@code -Dprobe.timeoutS=N} a job still running after N s
 * is reported as a timeout in its phase (with the seconds and peak so far) and the JVM exits.
 *
 * <p>Args: model.onnx data.npz epochs batch calibrationBatches evalBatch
 */
public final class JobProbe {
    public static void main(String[] args) throws Exception {
        byte[] model = Files.readAllBytes(Path.of(args[0]));
        String name = Path.of(args[0]).getFileName().toString();
        Dataset data = NpzReader.read(Path.of(args[1]));
        int epochs = Integer.parseInt(args[2]);
        int batch = Integer.parseInt(args[3]);
        int calibration = Integer.parseInt(args[4]);
        int evalBatch = Integer.parseInt(args[5]);
        String parity = fp32Parity(model, name);
        if (parity == null) {
            return;
        }
        var spec = new QatJobSpec(QuantConfig.defaults().toBuilder().calibrationBatches(calibration).build(),
                TrainConfig.defaults().withEpochs(epochs).withBatchSize(batch), evalBatch);
        Map<String, String> phases = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        long[] start = {System.nanoTime()};
        String[] current = {null};
        List<Double> stepRates = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Double> steps = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        JobListener listener = new JobListener() {
            @Override
            public void phase(JobPhase phase) {
                synchronized (phases) {
                    end(current[0], phases, start);
                    current[0] = phase.name();
                }
                System.err.println("phase " + phase + " rss " + rss());
            }

            @Override
            public void step(int epoch, int totalEpochs, int step, int steps, double loss, double acc, double imagesPerSecond) {
                stepRates.add(imagesPerSecond);
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
        long timeoutS = Long.getLong("probe.timeoutS", 0);
        Thread watchdog = null;
        if (timeoutS > 0) {
            // the benchmark's time bound: a job still running then is reported with how far it got
            watchdog = new Thread(() -> {
                try {
                    Thread.sleep(timeoutS * 1000);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (phases) {
                    String failedIn = current[0];
                    end(current[0], phases, start);
                    boolean ptqOk = failedIn != null && JobPhase.valueOf(failedIn).ordinal() > JobPhase.CALIBRATING.ordinal();
                    System.out.println(String.format(Locale.ROOT,
                            "{\"model\":\"%s\",\"imported\":true,%s,\"ptqOk\":%s,\"qatOk\":false,\"failedIn\":\"%s\",\"error\":\"%s\","
                                    + "\"qatImagesPerSecond\":%s,\"phases\":{%s},\"peakRssMb\":%d}",
                            name, parity, ptqOk, failedIn, "timeout: still in " + failedIn + " after " + timeoutS + " s",
                            stepRates.isEmpty() ? "null" : String.format(Locale.ROOT, "%.1f", median(List.copyOf(stepRates))),
                            phaseJson(phases), status("VmHWM") / 1024));
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }, "probe-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        JobResult r;
        try {
            r = QatJob.run(model, data, spec, listener, () -> false, null);
        } catch (Throwable e) {
            // the row still says how far the job got: PTQ is done once TRAINING starts
            String failedIn = current[0];
            end(current[0], phases, start);
            e.printStackTrace();
            boolean ptqOk = failedIn != null && JobPhase.valueOf(failedIn).ordinal() > JobPhase.CALIBRATING.ordinal();
            System.out.println(String.format(Locale.ROOT,
                    "{\"model\":\"%s\",\"imported\":true,%s,\"ptqOk\":%s,\"qatOk\":false,\"failedIn\":\"%s\",\"error\":\"%s\","
                            + "\"qatImagesPerSecond\":%s,\"phases\":{%s},\"peakRssMb\":%d}",
                    name, parity, ptqOk, failedIn, json(e.getClass().getSimpleName() + ": " + e.getMessage()),
                    stepRates.isEmpty() ? "null" : String.format(Locale.ROOT, "%.1f", median(stepRates)),
                    phaseJson(phases), status("VmHWM") / 1024));
            return;
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        end(current[0], phases, start);
        System.err.println("after the job: rss " + rss());
        long peakMb = status("VmHWM") / 1024;
        System.gc();
        Thread.sleep(3000);
        long idleMb = status("VmRSS") / 1024;
        System.err.println("after System.gc(): rss " + rss());
        var rep = r.report();
        System.out.println(String.format(Locale.ROOT,
                "{\"model\":\"%s\",\"imported\":true,%s,\"ptqOk\":true,\"qatOk\":true,\"idleRssMb\":%d,\"fp32\":%.4f,\"ptqInt8\":%.4f,"
                        + "\"qatInt8\":%.4f,\"qatOrt\":%.4f,\"simVsInt8\":%.4f,"
                        + "\"simVsInt8Within1Lsb\":%.4f,\"int8VsOrt\":%.4f,\"int8VsOrtWithin1Lsb\":%.4f,\"qatImagesPerSecond\":%s,\"qatSteps\":%d,"
                        + "\"phases\":{%s},\"peakRssMb\":%d,\"latency\":\"%s\",\"integerMacShare\":%s,"
                        + "\"floatIslands\":%d,\"floatIslandOps\":\"%s\",\"steps\":{%s}}",
                name, parity, idleMb, rep.fp32().accuracy(), rep.ptqInt8().accuracy(), rep.qatInt8().accuracy(),
                rep.qatOrt().accuracy(), rep.agreement().simulationVsInt8Top1(), rep.agreement().simulationVsInt8Within1Lsb(),
                rep.agreement().int8VsOrtTop1(), rep.agreement().int8VsOrtWithin1Lsb(),
                stepRates.isEmpty() ? "null" : String.format(Locale.ROOT, "%.1f", median(stepRates)), stepRates.size(),
                phaseJson(phases), peakMb, rep.latency().points(), rep.integerMacShare(), rep.floatIslands().size(),
                islandOps(rep.floatIslands()), String.join(",", steps.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "\"%s\":%.2f", e.getKey(), e.getValue())).toList())));
    }

    /**
     * Imports the model and compares the engine's FP32 forward pass with ONNX Runtime on 2 seeded images:
     * the JSON fields of that, or null after printing the row of a model the import refuses.
     */
    private static String fp32Parity(byte[] model, String name) throws Exception {
        long t0 = System.nanoTime();
        try {
            Graph g = OnnxImporter.load(model);
            double importS = (System.nanoTime() - t0) / 1e9;
            long[] in = g.inputs().get(0).shape();
            long[] shape = in.clone();
            shape[0] = 2;
            Fp32ParityProbe.Parity p = Fp32ParityProbe.parity(model, g, shape);
            return String.format(Locale.ROOT, "\"importS\":%.2f,\"fp32MaxAbsDiffOrt\":%.3e,\"fp32MaxAbsDiffOrtUnoptimized\":%.3e,"
                    + "\"fp32OutputMaxAbs\":%.3e", importS, p.maxAbsDiffOrt(), p.maxAbsDiffOrtUnoptimized(), p.outputMaxAbs());
        } catch (UnsupportedModelException e) {
            Map<String, Integer> kinds = new TreeMap<>();
            e.problems().forEach(q -> kinds.merge(q.replaceAll("^node '[^']*' ", "").replaceAll("'[^']*'", "'..'"), 1, Integer::sum));
            System.out.println(String.format(Locale.ROOT, "{\"model\":\"%s\",\"imported\":false,\"ptqOk\":false,\"qatOk\":false,"
                    + "\"failedIn\":\"LOADING\",\"error\":\"%s\",\"peakRssMb\":%d}", name, json("refused: " + kinds),
                    status("VmHWM") / 1024));
            return null;
        }
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String phaseJson(Map<String, String> phases) {
        return String.join(",", phases.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue()).toList());
    }

    private static String json(String s) {
        String one = String.valueOf(s).replace("\\", "/").replace("\"", "'").replaceAll("[\\r\\n\\t]+", " ");
        return one.length() > 400 ? one.substring(0, 400) + "..." : one;
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
