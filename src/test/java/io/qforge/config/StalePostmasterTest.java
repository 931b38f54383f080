package io.qforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded default does with a postmaster.pid left in its data directory, and with the
 * directory's lock. (EmbeddedDataDirTest runs real postmasters and a second JVM.)
 */
class StalePostmasterTest {

    @Test
    void aPidFileOfADeadProcessIsRemoved(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pg"));
        var dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(dir.resolve("postmaster.pid"), dead.pid() + "\n" + dir + "\n");
        try (var lock = DataDirLock.acquire(dir)) {
            StalePostmaster.stopIfOrphaned(lock);
        }
        assertThat(dir.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aLiveProcessThatIsNotAPostgresOfTheDirectoryIsNeverSignalled(@TempDir Path tmp) throws Exception {
        // the pid in the file was reused by an unrelated process (sleep): leave it alone, drop the stale file
        Path dir = Files.createDirectories(tmp.resolve("pg"));
        var unrelated = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(dir.resolve("postmaster.pid"), unrelated.pid() + "\n" + dir + "\n");
            try (var lock = DataDirLock.acquire(dir)) {
                StalePostmaster.stopIfOrphaned(lock);
            }
            Thread.sleep(200);
            assertThat(unrelated.isAlive()).isTrue();
            assertThat(dir.resolve("postmaster.pid")).doesNotExist();
        } finally {
            unrelated.destroy();
        }
    }

    @Test
    void onlyAPostgresExecutableWithDashDOfExactlyThisDirectoryIsAPostmasterOfIt(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pg"));
        Path other = Files.createDirectories(tmp.resolve("pg2"));
        String bin = "/tmp/embedded-pg/PG-abc/bin/postgres";
        assertThat(StalePostmaster.isPostmasterFor(List.of(bin, "-D", dir.toString(), "-p", "5432"), dir)).isTrue();
        assertThat(StalePostmaster.isPostmasterFor(List.of(bin, "-D", tmp + "/./pg/"), dir)).isTrue();
        assertThat(StalePostmaster.isPostmasterFor(List.of(bin, "-D", other.toString()), dir)).isFalse();
        assertThat(StalePostmaster.isPostmasterFor(List.of(bin, "-p", "5432"), dir)).isFalse();
        assertThat(StalePostmaster.isPostmasterFor(List.of("/bin/sleep", "-D", dir.toString()), dir)).isFalse();
        assertThat(StalePostmaster.isPostmasterFor(List.of(), dir)).isFalse();
        // a live process's real command line (this JVM) is not a postgres
        assertThat(StalePostmaster.commandLine(ProcessHandle.current().pid())).isNotEmpty();
        assertThat(StalePostmaster.isPostmasterFor(StalePostmaster.commandLine(ProcessHandle.current().pid()), dir)).isFalse();
    }

    @Test
    void aSecondLockOnTheSameDirectoryIsRefusedAndTheFirstStaysHeld(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pg"));
        try (var first = DataDirLock.acquire(dir)) {
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(DataDirInUseException.class)
                    .hasMessageContaining("data directory " + dir + " is in use")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("qforge.embedded.data-dir");
            assertThat(first.isHeld()).isTrue();
        }
        try (var again = DataDirLock.acquire(dir)) { // released by close
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    void aRefusedStartIsExplainedByBootsFailureAnalysis(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pg"));
        try (var first = DataDirLock.acquire(dir)) {
            var refused = org.assertj.core.api.Assertions.catchThrowableOfType(DataDirInUseException.class,
                    () -> DataDirLock.acquire(dir));
            var analysis = new DataDirInUseFailureAnalyzer()
                    .analyze(new org.springframework.beans.factory.BeanCreationException("embeddedDatabase", "failed", refused));
            assertThat(analysis.getDescription()).contains(dir + " is in use");
            assertThat(analysis.getAction()).contains("--qforge.embedded.data-dir=");
        }
        assertThat(new String(getClass().getResourceAsStream("/META-INF/spring.factories").readAllBytes()))
                .contains("io.qforge.config.DataDirInUseFailureAnalyzer");
    }
}
