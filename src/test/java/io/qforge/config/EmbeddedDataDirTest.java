package io.qforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database on one data directory with real postmasters and a second JVM
 * ({@link EmbeddedInstanceMain}, started as the service starts it): a second instance refuses and
 * leaves the first one serving; the orphaned postmaster of a killed JVM is stopped and its data
 * reused.
 */
class EmbeddedDataDirTest {

    @Test
    void aSecondInstanceOnTheSameDirectoryRefusesAndTheFirstKeepsAnsweringSql(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pg");
        var first = EmbeddedPostgresConfig.start(dir, 0);
        try {
            long postmaster = postmasterPid(dir);
            sql(first, "CREATE TABLE marker (v text); INSERT INTO marker VALUES ('first')");

            // the same JVM: refused by the lock too
            var sameJvm = catchThrowable(() -> EmbeddedPostgresConfig.start(dir, 0));
            assertThat(sameJvm).isInstanceOf(DataDirInUseException.class);

            // another JVM, as a second qforge would be started
            var second = javaMain(dir.toString());
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.exitValue()).as(out).isEqualTo(2);
            assertThat(out).contains("REFUSED The embedded PostgreSQL data directory " + dir.toAbsolutePath() + " is in use")
                    .contains("qforge.embedded.data-dir");

            // the first is untouched: same postmaster, its pid file, and it answers SQL
            assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isTrue();
            assertThat(postmasterPid(dir)).isEqualTo(postmaster);
            assertThat(query(first, "SELECT v FROM marker")).isEqualTo("first");
        } finally {
            EmbeddedPostgresConfig.stop(first);
        }
    }

    @Test
    void theOrphanedPostmasterOfAKilledJvmIsStoppedAndItsDataReused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("pg");
        var child = javaMain(dir.toString(), "written-before-kill-9");
        var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        var seen = new ArrayList<String>();
        while ((line = lines.readLine()) != null && !line.equals("READY")) seen.add(line);
        assertThat(line).as(String.join("\n", seen)).isEqualTo("READY");
        long orphan = postmasterPid(dir);
        child.destroyForcibly(); // kill -9: no shutdown hook, the postmaster stays
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(500);
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("orphan alive").isTrue();

        var next = EmbeddedPostgresConfig.start(dir, 0);
        try {
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("orphan stopped").isFalse();
            assertThat(postmasterPid(dir)).isNotEqualTo(orphan);
            assertThat(query(next, "SELECT v FROM marker")).isEqualTo("written-before-kill-9");
        } finally {
            EmbeddedPostgresConfig.stop(next);
        }
    }

    private static Process javaMain(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), EmbeddedInstanceMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static long postmasterPid(Path dir) throws Exception {
        return Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
    }

    private static void sql(EmbeddedPostgresConfig.EmbeddedDatabase db, String statements) throws Exception {
        try (var c = DriverManager.getConnection(db.postgres().getJdbcUrl("postgres", "postgres"))) {
            c.createStatement().execute(statements);
        }
    }

    private static String query(EmbeddedPostgresConfig.EmbeddedDatabase db, String select) throws Exception {
        try (var c = DriverManager.getConnection(db.postgres().getJdbcUrl("postgres", "postgres"));
             var rs = c.createStatement().executeQuery(select)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        return org.assertj.core.api.Assertions.catchThrowable(c);
    }
}
