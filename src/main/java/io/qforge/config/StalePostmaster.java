package io.qforge.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After {@code kill -9} of the JVM the embedded postmaster keeps running (its parent is pid 1,
 * whether the JVM lives or not) and the next start fails with {@code lock file "postmaster.pid"
 * already exists}. This stops such a postmaster only when it is provably an orphan of this data
 * directory:
 * <ol>
 *   <li>the caller holds the directory's {@link DataDirLock}, so no live qforge uses it;</li>
 *   <li>zonky's own {@code epg-lock} in the directory is free, so no live process that started
 *       PostgreSQL through zonky without our lock (an older qforge) uses it;</li>
 *   <li>{@code /proc/PID/cmdline} of the pid in {@code postmaster.pid} is a {@code postgres}
 *       executable started with {@code -D} this very directory (a pid reused by another process
 *       is left alone; only the stale pid file is removed).</li>
 * </ol>
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);
    private static final Duration SMART_SHUTDOWN = Duration.ofSeconds(30);

    private StalePostmaster() {}

    static void stopIfOrphaned(DataDirLock held) throws IOException {
        if (!held.isHeld()) throw new IllegalStateException("the lock of " + held.dataDir() + " is not held");
        Path dataDir = held.dataDir();
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        var lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (RuntimeException e) {
            log.warn("Unreadable {}; removing it", pidFile);
            Files.deleteIfExists(pidFile);
            return;
        }
        var process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            log.warn("Removing stale {} (pid {} is not running)", pidFile, pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        List<String> argv = commandLine(pid);
        if (!isPostmasterFor(argv, dataDir)) {
            log.warn("Removing stale {}: pid {} is not a PostgreSQL of this directory ({}); leaving that process alone",
                    pidFile, pid, String.join(" ", argv));
            Files.deleteIfExists(pidFile);
            return;
        }
        if (zonkyLockHeldElsewhere(dataDir)) {
            throw new DataDirInUseException(dataDir, "PostgreSQL pid " + pid + " runs on it for a live process that holds "
                    + dataDir.resolve("epg-lock"));
        }
        log.warn("Stopping orphaned embedded PostgreSQL (pid {}) left by a previous run on {}", pid, dataDir);
        process.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown (its clients died with their JVM)
        try {
            process.get().onExit().get(SMART_SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("PostgreSQL pid {} did not stop within {}; killing it", pid, SMART_SHUTDOWN);
            process.get().destroyForcibly();
            try {
                process.get().onExit().get(SMART_SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new IllegalStateException("orphaned PostgreSQL pid " + pid + " on " + dataDir + " does not stop", again);
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** True when {@code argv} runs an executable named {@code postgres} with {@code -D dataDir}. */
    static boolean isPostmasterFor(List<String> argv, Path dataDir) {
        if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().equals("postgres")) return false;
        for (int i = 1; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-D") && samePath(Path.of(argv.get(i + 1)), dataDir)) return true;
        }
        return false;
    }

    /** The process's argument vector from {@code /proc/PID/cmdline}; empty where unreadable (then nothing is signalled). */
    static List<String> commandLine(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static boolean zonkyLockHeldElsewhere(Path dataDir) throws IOException {
        Path epgLock = dataDir.resolve("epg-lock");
        if (!Files.exists(epgLock)) return false;
        try (FileChannel ch = FileChannel.open(epgLock, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) return true;
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM runs a PostgreSQL on it
        }
    }
}
