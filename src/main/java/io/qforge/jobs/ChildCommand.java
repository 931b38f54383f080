package io.qforge.jobs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

/**
 * How to start {@link ChildMain} in a new JVM like this one: the same {@code java} binary, the
 * same class path (as started by {@code ./mvnw spring-boot:run}, by surefire, or as
 * {@code java -jar qforge.jar}, where the child goes through Spring Boot's
 * {@code PropertiesLauncher} with {@code -Dloader.main}), the full JIT, the heap and JavaCPP limits
 * of {@link ChildSettings}, this JVM's JavaCPP properties (e.g. its cache directory), and an
 * environment with {@code ORT_DISABLE_TELEMETRY=1} and {@code OMP_WAIT_POLICY=PASSIVE} (others,
 * such as {@code OMP_NUM_THREADS}, inherited). The long options go into an argument file, so the
 * command line stays short (ONNX Runtime's telemetry crashes on long ones, STACK-NOTES.md). The
 * JVM is started through {@code nice} at {@code qforge.workers.child-nice}: training yields the CPU
 * to request threads and the database.
 */
final class ChildCommand {
    static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    /** Where {@code nice} is looked for (coreutils; the JRE image has it in /usr/bin). */
    static final List<Path> NICE = List.of(Path.of("/usr/bin/nice"), Path.of("/bin/nice"));

    private final List<String> prefix;
    private final String java;
    private final List<String> jvmOptions;
    private final List<String> launch;

    private ChildCommand(List<String> prefix, String java, List<String> jvmOptions, List<String> launch) {
        this.prefix = prefix;
        this.java = java;
        this.jvmOptions = jvmOptions;
        this.launch = launch;
    }

    static ChildCommand forThisJvm(ChildSettings settings) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + settings.heap());
        options.add("-Dorg.bytedeco.javacpp.maxBytes=" + settings.offHeap());
        options.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=" + settings.budget());
        for (var e : System.getProperties().entrySet()) {
            String key = e.getKey().toString();
            if (key.startsWith("org.bytedeco.javacpp.") && !key.equals("org.bytedeco.javacpp.maxBytes")
                    && !key.equals("org.bytedeco.javacpp.maxPhysicalBytes") && !key.startsWith("org.bytedeco.javacpp.platform")) {
                options.add("-D" + key + "=" + e.getValue());
            }
        }
        options.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        options.add("-XX:+DisplayVMOutputToStderr"); // a crash report must not mix with the protocol on stdout
        options.addAll(settings.extraJvmOptions());
        String classPath = absolute(System.getProperty("java.class.path"));
        List<String> launch = bootJar(classPath)
                ? List.of("-cp", classPath, "-Dloader.main=" + ChildMain.class.getName(), PROPERTIES_LAUNCHER)
                : List.of("-cp", classPath, ChildMain.class.getName());
        return new ChildCommand(nicePrefix(settings.nice()), java, List.copyOf(options), launch);
    }

    /**
     * {@code nice -n N} (which execs the JVM, so the child's pid is the JVM's), or nothing when
     * {@code nice} is 0 or there is no {@code nice} binary (the child then runs at this JVM's priority).
     */
    static List<String> nicePrefix(int nice) {
        if (nice == 0) return List.of();
        for (Path p : NICE) {
            if (Files.isExecutable(p)) return List.of(p.toString(), "-n", Integer.toString(nice));
        }
        return List.of();
    }

    /**
     * The command for one attempt; its options are written to {@code child.args} in the work
     * directory. The main class (or launcher) stays on the command line, so {@code ps} shows it.
     */
    List<String> command(Path workDir, Path request) throws IOException {
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(launch.subList(0, launch.size() - 1));
        Path argFile = workDir.resolve("child.args");
        var text = new StringBuilder();
        for (String a : args) {
            text.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        Files.writeString(argFile, text, StandardCharsets.UTF_8);
        var command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "@" + argFile, launch.get(launch.size() - 1), request.toString()));
        return command;
    }

    /** The child's environment, applied to {@code env} (a copy of this process's). */
    static void environment(Map<String, String> env) {
        env.put("ORT_DISABLE_TELEMETRY", "1");
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    }

    List<String> jvmOptions() {
        return jvmOptions;
    }

    /** Every entry made absolute: the child runs in the work directory ({@code java -jar target/qforge.jar} gives a relative one). */
    static String absolute(String classPath) {
        var entries = new ArrayList<String>();
        for (String e : classPath.split(File.pathSeparator)) {
            if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A Spring Boot executable jar ({@code java -jar qforge.jar}): classes under BOOT-INF, not on the class path. */
    static boolean bootJar(String classPath) {
        if (classPath == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) return false;
        try (var jar = new JarFile(classPath)) {
            return jar.getEntry("BOOT-INF/classes/") != null || jar.getEntry("BOOT-INF/lib/") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
