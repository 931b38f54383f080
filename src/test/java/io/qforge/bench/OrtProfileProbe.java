package io.qforge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where ONNX Runtime spends a model's time, by op type (a diagnostic for {@code bench/latency.sh}):
 * runs the model with ORT's profiler on (all optimizations, {@code threads} intra-op threads), at
 * {@code batch} with random N(0,1) input, and prints the summed kernel microseconds per op type over
 * {@code runs} runs after 2 warm-up runs, largest first, with each op type's share.
 *
 * <p>Args: model.onnx C H W batch [threads=1] [runs=5]
 */
public final class OrtProfileProbe {
    private static final Pattern DUR = Pattern.compile("\"dur\"\\s*:\\s*(\\d+)");
    private static final Pattern OP = Pattern.compile("\"op_name\"\\s*:\\s*\"([^\"]*)\"");

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        long[] shape = {Long.parseLong(args[4]), Long.parseLong(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3])};
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        int runs = args.length > 6 ? Integer.parseInt(args[6]) : 5;
        float[] x = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
        var rnd = new java.util.Random(0);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        var env = OrtEnvironment.getEnvironment();
        String profile;
        try (var opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(threads);
            try (OrtSession warm = env.createSession(model.toString(), opts);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                for (int i = 0; i < 2; i++) warm.run(Map.of(warm.getInputNames().iterator().next(), t)).close();
            }
            opts.enableProfiling(Files.createTempDirectory("qforge-prof").resolve("p").toString());
            try (OrtSession s = env.createSession(model.toString(), opts);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape)) {
                String in = s.getInputNames().iterator().next();
                s.run(Map.of(in, t)).close(); // warm-up inside the profile, dropped below by counting only the last `runs`
                for (int i = 0; i < runs; i++) s.run(Map.of(in, t)).close();
                profile = s.endProfiling();
            }
        }
        String json = Files.readString(Path.of(profile));
        if (System.getenv("KEEP_PROFILE") == null) Files.deleteIfExists(Path.of(profile)); else System.err.println(profile);
        Map<String, Long> us = new TreeMap<>();
        Map<String, Integer> nodes = new TreeMap<>();
        Map<String, Long> byNode = new TreeMap<>();
        Pattern nameP = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)_kernel_time\"");
        Pattern shapeP = Pattern.compile("\"input_type_shape\"\\s*:\\s*(\\[[^\\]]*\\][^\\]]*\\])");
        long total = 0;
        for (String ev : json.split("\n")) {
            if (!ev.contains("\"cat\" : \"Node\"") || !ev.contains("_kernel_time\"")) continue;
            Matcher d = DUR.matcher(ev);
            Matcher op = OP.matcher(ev);
            if (d.find() && op.find()) {
                long us1 = Long.parseLong(d.group(1));
                us.merge(op.group(1), us1, Long::sum);
                nodes.merge(op.group(1), 1, Integer::sum);
                total += us1;
                Matcher nm = nameP.matcher(ev);
                Matcher sh = shapeP.matcher(ev);
                if (nm.find()) byNode.merge(op.group(1) + " " + nm.group(1) + " " + (sh.find() ? sh.group(1) : ""), us1, Long::sum);
            }
        }
        final long all = total;
        System.out.printf(Locale.ROOT, "%s batch %d threads %d: %.2f ms per run in kernels%n", model.getFileName(), shape[0],
                threads, all / 1000.0 / (runs + 1));
        us.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e -> System.out.printf(
                Locale.ROOT, "  %-28s %8.2f ms/run %5.1f%%  (%d node runs)%n", e.getKey(), e.getValue() / 1000.0 / (runs + 1),
                100.0 * e.getValue() / all, nodes.get(e.getKey())));
        int top = Integer.parseInt(System.getProperty("probe.nodes", "0"));
        byNode.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(top).forEach(e -> System.out.printf(
                Locale.ROOT, "    %8.2f ms/run  %s%n", e.getValue() / 1000.0 / (runs + 1), e.getKey()));
    }
}
