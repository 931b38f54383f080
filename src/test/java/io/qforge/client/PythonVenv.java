package io.qforge.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A virtual environment under {@code target/python-client} with the Python client
 * ({@code clients/python}) installed the offline way: {@code pip install --no-build-isolation
 * --no-index}, so the build backend (setuptools, and wheel where setuptools is older than 70.1)
 * must come from the interpreter's own packages. The venv is made once and kept; the client is
 * reinstalled from a fresh copy of its sources once per test run, so the source tree gets no
 * build output. The interpreter is the first of {@code $QFORGE_TEST_PYTHON}, {@code python3} on
 * PATH and {@code /usr/bin/python3} that has venv, setuptools and (if needed) wheel; when none
 * has, this fails saying what each one lacks: the client's tests are never skipped.
 */
final class PythonVenv {
    static final Path CLIENT = Path.of("clients/python");
    private static final Path DIR = Path.of("target/python-client");
    /** Checks an interpreter can build the client offline; prints its version. */
    private static final String PROBE = String.join("\n",
            "import sys",
            "assert sys.version_info >= (3, 9), 'Python %s is older than 3.9' % sys.version.split()[0]",
            "import venv, ensurepip, setuptools",
            "if tuple(int(p) for p in setuptools.__version__.split('.')[:2]) < (70, 1): import wheel",
            "print(sys.version.split()[0])");

    private static PythonVenv instance;

    final Path python;
    final Path qforge;
    /** The copy of clients/python the venv was installed from (its tests are run from here). */
    final Path source;

    private PythonVenv(Path venv, Path source) {
        this.python = venv.resolve("bin/python").toAbsolutePath();
        this.qforge = venv.resolve("bin/qforge").toAbsolutePath();
        this.source = source.toAbsolutePath();
    }

    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static synchronized PythonVenv get() throws IOException, InterruptedException {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static PythonVenv create() throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        Path venv = DIR.resolve("venv");
        if (!Files.isExecutable(venv.resolve("bin/python")) || !Files.exists(venv.resolve("made-by"))) {
            String interpreter = chooseInterpreter();
            deleteTree(venv);
            check(run(List.of(interpreter, "-m", "venv", "--system-site-packages", venv.toString()), Map.of(),
                    Duration.ofMinutes(5)), "making the venv with " + interpreter);
            Files.writeString(venv.resolve("made-by"), interpreter + "\n");
        }
        Path source = DIR.resolve("src");
        deleteTree(source);
        copyTree(CLIENT, source);
        var venvPython = venv.resolve("bin/python").toAbsolutePath().toString();
        check(run(List.of(venvPython, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
                "--force-reinstall", source.toAbsolutePath().toString()), Map.of(), Duration.ofMinutes(5)),
                "pip install --no-build-isolation --no-index " + source);
        return new PythonVenv(venv, source);
    }

    private static String chooseInterpreter() throws IOException, InterruptedException {
        var candidates = new ArrayList<String>();
        String chosen = System.getenv("QFORGE_TEST_PYTHON");
        if (chosen != null && !chosen.isBlank()) candidates.add(chosen);
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        var refusals = new StringBuilder();
        for (String candidate : candidates) {
            Result probe;
            try {
                probe = run(List.of(candidate, "-c", PROBE), Map.of(), Duration.ofMinutes(1));
            } catch (IOException e) {
                refusals.append("\n  ").append(candidate).append(": ").append(e.getMessage());
                continue;
            }
            if (probe.exit() == 0) return candidate;
            var lines = probe.stderr().strip().lines().toList();
            refusals.append("\n  ").append(candidate).append(": ")
                    .append(lines.isEmpty() ? "exit " + probe.exit() : lines.get(lines.size() - 1));
        }
        throw new AssertionError("The Python client's tests need a Python >= 3.9 with the venv module, setuptools "
                + "and wheel (for setuptools < 70.1) to install clients/python offline (Debian: python3-venv "
                + "python3-setuptools python3-wheel); set QFORGE_TEST_PYTHON to choose one. Tried:" + refusals);
    }

    /** The client's console script {@code qforge} with these arguments and extra environment. */
    Result qforge(Map<String, String> env, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(qforge.toString());
        command.addAll(List.of(args));
        return run(command, env, Duration.ofMinutes(10));
    }

    /** Starts {@code qforge} without waiting; its output goes to {@code out} and {@code err}. */
    Process start(Map<String, String> env, Path out, Path err, String... args) throws IOException {
        var command = new ArrayList<String>();
        command.add(qforge.toString());
        command.addAll(List.of(args));
        return builder(command, env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    static Result run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        Path out = Files.createTempFile(DIR, "out", ".txt");
        Path err = Files.createTempFile(DIR, "err", ".txt");
        try {
            Process p = builder(command, env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not end within " + timeout + "\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * The test JVM's environment without anything that would change what Python or pip do here
     * (PIP_*, PYTHON*, QFORGE_*; pip's config files are ignored), plus {@code env}.
     */
    private static ProcessBuilder builder(List<String> command, Map<String, String> env) {
        var pb = new ProcessBuilder(command);
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("PIP_") || k.startsWith("PYTHON") || k.startsWith("QFORGE_"));
        environment.put("PIP_CONFIG_FILE", "/dev/null");
        environment.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        environment.put("PYTHONUNBUFFERED", "1");
        environment.putAll(new HashMap<>(env));
        return pb;
    }

    private static void check(Result r, String what) {
        if (r.exit() != 0) {
            throw new AssertionError(what + " failed: " + r);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String rel = from.relativize(p).toString();
                if (rel.contains("__pycache__") || rel.contains(".egg-info") || rel.startsWith("build")) continue;
                Path target = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
