package io.qforge.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After {@code kill -9} of the JVM the embedded postmaster keeps running and the next start fails
 * with {@code lock file "postmaster.pid" already exists}. This stops such an orphan (its parent
 * JVM is gone) and refuses to touch one whose parent JVM is still alive (another qforge using
 * the same data directory).
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {}

    static void stopIfOrphaned(Path dataDir) throws IOException {
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
        var process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            log.warn("Removing stale {} (pid {} is not running)", pidFile, pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        var parent = process.get().parent();
        boolean parentIsLiveJvm = parent.filter(ProcessHandle::isAlive)
                .flatMap(p -> p.info().command())
                .map(c -> c.endsWith("/java") || c.endsWith("java.exe"))
                .orElse(false);
        if (parentIsLiveJvm) {
            throw new IllegalStateException("PostgreSQL data directory " + dataDir
                    + " is in use by postmaster pid " + pid + " of a running JVM (pid "
                    + parent.get().pid() + "); stop that process or set qforge.embedded.data-dir");
        }
        log.warn("Stopping orphaned embedded PostgreSQL (pid {}) left by a previous run", pid);
        process.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown
        try {
            process.get().onExit().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.get().destroyForcibly();
        }
        Files.deleteIfExists(pidFile);
    }
}
