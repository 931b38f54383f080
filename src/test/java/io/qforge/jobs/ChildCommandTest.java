package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child JVM that trains gets its options from here whatever started the service: the full JIT
 * (nothing of the parent's launcher flags), passive OpenMP, no ORT telemetry, and the niceness.
 */
class ChildCommandTest {
    @TempDir
    Path work;

    @Test
    void theChildJvmHasTheFullJitPassiveOpenMpAndTheNiceness() throws Exception {
        var w = new QforgeProperties.Workers();
        w.setMemoryBudget(org.springframework.util.unit.DataSize.ofGigabytes(2));
        var command = ChildCommand.forThisJvm(ChildSettings.of(w));
        for (String option : command.jvmOptions()) {
            assertThat(option).doesNotContain("TieredStopAtLevel").doesNotContain("TieredCompilation").isNotEqualTo("-Xint");
        }
        List<String> argv = command.command(work, work.resolve("request.json"));
        String args = Files.readString(work.resolve("child.args"));
        assertThat(args).doesNotContain("TieredStopAtLevel").contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=" + (2L << 30));
        if (ChildCommand.NICE.stream().anyMatch(Files::isExecutable)) {
            assertThat(argv.subList(1, 3)).containsExactly("-n", "10");
            assertThat(argv.get(3)).endsWith("java");
        }
        w.setChildNice(0);
        assertThat(ChildCommand.forThisJvm(ChildSettings.of(w)).command(work, work.resolve("request.json")).get(0)).endsWith("java");

        var env = new HashMap<String, String>();
        ChildCommand.environment(env);
        assertThat(env).containsEntry("OMP_WAIT_POLICY", "PASSIVE").containsEntry("ORT_DISABLE_TELEMETRY", "1");
    }
}
