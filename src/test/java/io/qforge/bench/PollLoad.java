package io.qforge.bench;

import io.qforge.support.Npz;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Polling under load (issue 7): against a running service, uploads a model and a generated
 * dataset, starts a job, measures its training images/s with no load (after a warm-up), then sends
 * {@code GET /v1/jobs/{id}} at a constant rate (open loop: request i is due at start + i/rate
 * whatever happened to the others; its latency counts from that due time, so a stalled server
 * cannot hide queueing), measures the training images/s during the load and again without load
 * after it. Reports latency percentiles over every request, errors, the achieved rate, the three
 * images/s figures, CPU by thread group and the load average. Run by {@code bench/poll-load.sh}.
 *
 * <p>Training images/s comes from the job's own progress (epoch, step, stepsPerEpoch x batch size)
 * read at the start and end of each window; the service writes progress at most once per second.
 *
 * <p>Arguments ({@code name=value}): url, key, model (ONNX file), rate (500), seconds (60), warmup
 * (20 s), baseline (20 s: each window without load), samples (training samples, 30000), epochs
 * (40), batch (64), etag (true: send the last ETag in If-None-Match, as a polling client would),
 * connections (32), pollwarmup (10 s: the first seconds of the warm-up already poll at the same rate,
 * so the request path is JIT-compiled before it is measured; their latencies are printed apart), pid and pgdir (the service's pid and embedded data directory, for CPU times).
 */
public final class PollLoad {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|-?[0-9.eE+-]+|null|true|false)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    private PollLoad(String base, String key) {
        this.base = base;
        this.key = key;
    }

    public static void main(String[] argv) throws Exception {
        var a = new HashMap<String, String>();
        for (String s : argv) a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        var bench = new PollLoad(a.get("url"), a.get("key"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "500"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "60"));
        int baseline = Integer.parseInt(a.getOrDefault("baseline", "20"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "20"));
        int pollWarmup = Math.min(warmup, Integer.parseInt(a.getOrDefault("pollwarmup", "10")));
        int samples = Integer.parseInt(a.getOrDefault("samples", "30000"));
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "40"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "64"));
        boolean etag = Boolean.parseBoolean(a.getOrDefault("etag", "true"));
        String pid = a.get("pid");
        int connections = Integer.parseInt(a.getOrDefault("connections", "32"));

        String model = bench.upload("/v1/models", "model.onnx", Files.readAllBytes(Path.of(a.get("model"))));
        String data = bench.upload("/v1/datasets", "load.npz", dataset(samples, samples / 10));
        var job = bench.send(bench.request("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"modelId\":\"" + model + "\",\"datasetId\":\"" + data
                        + "\",\"spec\":{\"epochs\":" + epochs + ",\"batchSize\":" + batch + "}}")));
        if (job.statusCode() != 202) throw new IllegalStateException("POST /v1/jobs: " + job.statusCode() + " " + job.body());
        String id = fields(job.body()).get("id");
        String path = "/v1/jobs/" + id;
        System.err.println("job " + id + ": waiting for TRAINING");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        Progress p0;
        while ((p0 = bench.progress(path, batch)) == null) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("job never reached TRAINING");
            Thread.sleep(500);
        }
        System.err.println("warm-up: " + warmup + " s (the first " + pollWarmup + " s with the same polling load), then "
                + baseline + " s without load");
        // JIT-compiled training loops and request path before anything is measured
        Result warm = pollWarmup > 0 ? bench.load(path, rate, pollWarmup, etag, connections) : null;
        sleep(warmup - pollWarmup);
        var before = bench.window(path, batch, () -> sleep(baseline));
        System.err.println("load: " + rate + " req/s for " + seconds + " s");
        String pgDir = a.get("pgdir");
        long[] cpu0 = cpuTicks(pid, pgDir);
        var result = new Result[1];
        var during = bench.window(path, batch, () -> {
            try {
                result[0] = bench.load(path, rate, seconds, etag, connections);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long[] cpu1 = cpuTicks(pid, pgDir);
        System.err.println("after: " + baseline + " s without load");
        var after = bench.window(path, batch, () -> sleep(baseline));
        double quiet = (before + after) / 2;
        var status = bench.send(bench.request(path).GET());
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        bench.send(bench.request(path).DELETE());

        var r = result[0];
        long[] lat = r.sorted();
        System.out.printf("GET %s, %d req/s for %d s, If-None-Match: %s%n", path, rate, seconds, etag ? "last ETag" : "none");
        System.out.printf("requests: %d sent, %d answered (%s), errors %d, achieved %.1f req/s%n", r.sent, lat.length,
                r.statuses, r.errors.get(), lat.length / r.seconds);
        System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n", ms(pct(lat, 50)),
                ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 99.9)), ms(lat.length == 0 ? 0 : lat[lat.length - 1]));
        System.out.println(slowSeconds(r, 20));
        if (warm != null) {
            long[] w = warm.sorted();
            System.out.printf("(warm-up polling, first %d s of the service's request path, not counted above: p50 %.2f  p99 %.2f"
                    + "  max %.2f ms, errors %d)%n", pollWarmup, ms(pct(w, 50)), ms(pct(w, 99)),
                    ms(w.length == 0 ? 0 : w[w.length - 1]), warm.errors.get());
        }
        System.out.printf("training images/s: %.0f before, %.0f during load, %.0f after; during vs mean of before"
                + " and after: %+.1f%%%n", before, during, after, 100 * (during - quiet) / quiet);
        double[] cores = new double[5];
        for (int i = 0; i < 5; i++) cores[i] = (cpu1[i] - cpu0[i]) / 100.0 / r.seconds;
        System.out.printf("CPU during load (cores): request threads %.2f, other service threads (training in thread"
                + " isolation, GC, JIT) %.2f, job child JVM %.2f, PostgreSQL %.2f, load generator %.2f%n",
                cores[0], cores[1], cores[4], cores[2], cores[3]);
        System.out.printf("load average (1/5/15 min, runnable/total, last pid): %s%n", load);
        System.out.printf("job after the run: %s%n", fields(status.body()).get("status"));
        System.out.printf("{\"rate\":%d,\"seconds\":%d,\"etag\":%b,\"sent\":%d,\"answered\":%d,\"errors\":%d,"
                        + "\"achieved\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"images_per_s_before\":%.0f,"
                        + "\"images_per_s_during\":%.0f,\"images_per_s_after\":%.0f,\"request_thread_cores\":%.2f}%n", rate, seconds, etag, r.sent,
                lat.length, r.errors.get(), lat.length / r.seconds, ms(pct(lat, 50)), ms(pct(lat, 99)),
                ms(lat.length == 0 ? 0 : lat[lat.length - 1]), before, during, after, cores[0]);
    }

    /**
     * The seconds of the run that had requests slower than {@code ms} (due time, as UTC wall clock
     * for lining them up with GC logs: how many, and the slowest), so a tail can be told from a
     * pause (all requests of one moment) or a steady queue.
     */
    private static String slowSeconds(Result r, double ms) {
        var text = new StringBuilder("seconds with requests over " + ms + " ms (UTC due time: count, max ms):");
        int seconds = r.latencies.length / r.rate;
        int shown = 0;
        for (int s = 0; s < seconds; s++) {
            int count = 0;
            long max = 0;
            for (int i = s * r.rate; i < (s + 1) * r.rate; i++) {
                long l = r.latencies[i];
                if (l > ms * 1e6) count++;
                max = Math.max(max, l);
            }
            if (count > 0 && shown++ < 30) {
                text.append(String.format(" %s: %d, %.0f;", java.time.Instant.ofEpochMilli(r.startMillis + s * 1000L)
                        .toString().substring(11, 19), count, max / 1e6));
            }
        }
        return shown == 0 ? text.append(" none").toString() : text.toString();
    }

    /** Training images/s over the time {@code body} takes (progress read before and after). */
    private double window(String path, int batch, Runnable body) throws Exception {
        var a = progress(path, batch);
        body.run();
        var b = progress(path, batch);
        if (a == null || b == null) throw new IllegalStateException("the job left TRAINING during a window; use more epochs");
        return (b.images - a.images) / ((b.nanos - a.nanos) / 1e9);
    }

    private record Progress(long images, long nanos) {}

    private Progress progress(String path, int batch) throws Exception {
        var f = fields(send(request(path).GET()).body());
        if (!"TRAINING".equals(f.get("phase")) || "null".equals(f.get("step"))) return null;
        long steps = (Long.parseLong(f.get("epoch")) - 1) * Long.parseLong(f.get("stepsPerEpoch")) + Long.parseLong(f.get("step"));
        return new Progress(steps * batch, System.nanoTime());
    }

    private static final class Result {
        long[] latencies;
        int sent;
        int rate;
        long startMillis;
        double seconds;
        final AtomicLong errors = new AtomicLong();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();

        long[] sorted() {
            return Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        }
    }

    /**
     * Open-loop constant rate: request i is due at start + i / rate and is handed to the first free
     * one of {@code connections} keep-alive HTTP/1.1 connections (plain sockets: the JDK HttpClient
     * cost this process ~0.45 cores at 500 req/s, taken from the machine the service trains on);
     * latency counts from the due time, so time spent waiting for a free connection counts too.
     */
    private Result load(String path, int rate, int seconds, boolean etag, int connections) throws Exception {
        int n = rate * seconds;
        var r = new Result();
        r.latencies = new long[n];
        Arrays.fill(r.latencies, -1);
        var lastEtag = new AtomicReference<String>();
        var due = new java.util.concurrent.LinkedBlockingQueue<long[]>();
        var done = new CountDownLatch(n);
        var uri = URI.create(base);
        String head = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nAuthorization: Bearer " + key + "\r\nAccept: application/json\r\n";
        var threads = new java.util.ArrayList<Thread>();
        for (int c = 0; c < connections; c++) {
            var t = new Thread(() -> {
                Connection conn = null;
                while (true) {
                    long[] job;
                    try {
                        job = due.take();
                    } catch (InterruptedException e) {
                        break;
                    }
                    if (job[0] < 0) break;
                    String tag = lastEtag.get();
                    byte[] request = (head + (etag && tag != null ? "If-None-Match: " + tag + "\r\n" : "") + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    try {
                        if (conn == null) conn = new Connection(uri.getHost(), uri.getPort());
                        var res = conn.exchange(request);
                        r.latencies[(int) job[0]] = System.nanoTime() - job[1];
                        r.statuses.computeIfAbsent(res.status, k -> new AtomicLong()).incrementAndGet();
                        if (res.status != 200 && res.status != 304) r.errors.incrementAndGet();
                        if (res.etag != null) lastEtag.set(res.etag);
                        if (res.close) {
                            conn.close();
                            conn = null;
                        }
                    } catch (java.io.IOException e) {
                        r.errors.incrementAndGet();
                        if (conn != null) conn.close();
                        conn = null;
                    }
                    done.countDown();
                }
                if (conn != null) conn.close();
            }, "poll-load-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime() + 10_000_000;
        r.rate = rate;
        r.startMillis = System.currentTimeMillis() + 10;
        for (int i = 0; i < n; i++) {
            long at = start + i * period;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            due.add(new long[] {i, at});
            r.sent++;
        }
        done.await(15, TimeUnit.SECONDS);
        r.seconds = (System.nanoTime() - start) / 1e9;
        for (int c = 0; c < connections; c++) due.add(new long[] {-1, 0});
        return r;
    }

    /** One keep-alive HTTP/1.1 connection: writes a request, reads status, headers and body (length or chunked). */
    private static final class Connection {
        record Response(int status, String etag, boolean close) {}

        private final java.net.Socket socket;
        private final java.io.BufferedInputStream in;
        private final java.io.OutputStream out;

        Connection(String host, int port) throws java.io.IOException {
            socket = new java.net.Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
        }

        Response exchange(byte[] request) throws java.io.IOException {
            out.write(request);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String etag = null;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    case "etag" -> etag = value;
                    default -> { }
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) { } // trailers
            } else if (length > 0) {
                skip(length);
            }
            return new Response(code, etag, close);
        }

        private String line() throws java.io.IOException {
            var b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) throw new java.io.EOFException("connection closed");
                if (c != '\r') b.append((char) c);
            }
            return b.toString();
        }

        private void skip(long n) throws java.io.IOException {
            while (n > 0) {
                long k = in.skip(n);
                if (k <= 0) {
                    if (in.read() < 0) throw new java.io.EOFException("connection closed");
                    k = 1;
                }
                n -= k;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
    }

    private String upload(String path, String filename, byte[] content) throws Exception {
        String boundary = "qforge-" + UUID.randomUUID();
        var out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var res = send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
        if (res.statusCode() != 201) throw new IllegalStateException("upload " + path + ": " + res.statusCode() + " " + res.body());
        return fields(res.body()).get("id");
    }

    /** x: [n, 1, 8, 8] float32 (the fixture LeNet's input), y: pseudo-random labels 0..9 (seed 0). */
    private static byte[] dataset(int train, int test) throws Exception {
        var random = new Random(0);
        return new Npz().floats("x_train", new long[] {train, 1, 8, 8}).labels("y_train", labels(random, train))
                .floats("x_test", new long[] {test, 1, 8, 8}).labels("y_test", labels(random, test)).bytes();
    }

    private static long[] labels(Random random, int n) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = random.nextInt(10);
        return y;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(60));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Top-level scalar fields of a JSON object (enough for ids, status and progress). */
    private static Map<String, String> fields(String json) {
        var m = new HashMap<String, String>();
        Matcher x = FIELD.matcher(json);
        while (x.find()) m.putIfAbsent(x.group(1), x.group(2).startsWith("\"") ? x.group(2).substring(1, x.group(2).length() - 1) : x.group(2));
        return m;
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /**
     * CPU clock ticks (1/100 s) so far of: the service's request threads (Tomcat's http-nio-*),
     * its other threads (the worker and its native training threads, GC, ...), its child processes
     * (the embedded PostgreSQL), and this load generator.
     */
    private static long[] cpuTicks(String pid, String pgDir) throws Exception {
        long[] t = new long[5]; // request threads, other service threads, PostgreSQL, this JVM, job child JVMs
        t[3] = ticks(Path.of("/proc/self/stat"), false);
        if (pid == null) return t;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (var task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    t[comm.startsWith("http-nio") ? 0 : 1] += ticks(task.resolve("stat"), false);
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        var children = new java.util.HashSet<String>(java.util.List.of(pid));
        if (pgDir != null) { // the postmaster may have been daemonized away from the JVM
            try (var procs = Files.list(Path.of("/proc"))) {
                for (var proc : (Iterable<Path>) procs::iterator) {
                    try {
                        if (proc.getFileName().toString().matches("[0-9]+")
                                && Files.readString(proc.resolve("cmdline")).contains(pgDir)) {
                            children.add(proc.getFileName().toString());
                        }
                    } catch (java.io.IOException gone) {
                        // ended meanwhile
                    }
                }
            }
        }
        boolean grew = true;
        var stats = new HashMap<String, String[]>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (var proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().matches("[0-9]+")) continue;
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    stats.put(proc.getFileName().toString(), stat.substring(stat.lastIndexOf(')') + 2).split(" "));
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            }
        }
        while (grew) {
            grew = false;
            for (var e : stats.entrySet()) {
                if (!children.contains(e.getKey()) && children.contains(e.getValue()[1])) grew = children.add(e.getKey());
            }
        }
        for (var e : stats.entrySet()) {
            if (e.getKey().equals(pid) || !children.contains(e.getKey())) continue; // postmaster and backends
            String[] f = e.getValue();
            t[javaProcess(e.getKey()) ? 4 : 2] += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return t;
    }

    /** A descendant JVM of the service (a job's child JVM), not a PostgreSQL process. */
    private static boolean javaProcess(String pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim().equals("java");
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    /** utime + stime (fields 14, 15 of a stat file), plus cutime + cstime if asked. */
    private static long ticks(Path stat, boolean children) throws java.io.IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + (children ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : 0);
    }

    private static void sleep(int seconds) {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
