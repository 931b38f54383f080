package io.qforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command ({@code ./mvnw spring-boot:run}) starts a JVM with the C2 compiler on:
 * the same plugin configuration launches {@link JitSettings#main}, which reports the JVM's flags.
 * (With the plugin's default optimized launch it reports {@code c2=false}.)
 */
class RunCommandJitTest {
    @Test
    void springBootRunStartsAJvmWithTheC2Compiler() throws Exception {
        var command = List.of("./mvnw", "-q", "-B", "spring-boot:run",
                "-Dspring-boot.run.main-class=" + JitSettings.class.getName(),
                "-Dmaven.main.skip=true", "-Dmaven.test.skip=true");
        var process = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true).start();
        boolean ended = process.waitFor(240, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) process.destroyForcibly();
        assertThat(ended).as(output).isTrue();
        assertThat(output).contains("qforge-jit: c2=true").doesNotContain("TieredStopAtLevel");
    }

    @Test
    void thisTestJvmHasC2() {
        assertThat(JitSettings.c2Enabled()).isTrue();
    }
}
