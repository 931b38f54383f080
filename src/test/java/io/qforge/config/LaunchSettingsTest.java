package io.qforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every way the service is started (the README's {@code ./mvnw spring-boot:run}, the Docker image and
 * with it docker-compose and k8s) keeps the full JIT and the same native settings: OpenMP threads
 * sleep when idle ({@code OMP_WAIT_POLICY=PASSIVE}; spinning made training ~15x slower on a busy
 * machine) and ONNX Runtime's telemetry is off (it crashes on long command lines, STACK-NOTES.md).
 * Jobs train in child JVMs whose options come from {@code io.qforge.jobs.ChildCommand}, not from the
 * launcher (its own test checks them); this test holds the launch files to the same rules.
 */
class LaunchSettingsTest {
    /** JVM options that would keep C2 from compiling the training kernels, or run interpreted. */
    private static final Pattern SLOW_JIT = Pattern.compile("TieredStopAtLevel|-Xint\\b|-XX:-TieredCompilation|-Xshare:dump");

    @Test
    void noLaunchFileTurnsTheJitDown() throws Exception {
        for (String file : List.of("Dockerfile", "docker-compose.yml", "k8s/qforge.yaml", "k8s/config.yaml", "pom.xml",
                ".ci/run")) {
            String text = withoutComments(Files.readString(Path.of(file)));
            assertThat(SLOW_JIT.matcher(text).find()).as(file + " must not lower the JIT").isFalse();
        }
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).as("the spring-boot:run launch keeps C2 (RunCommandJitTest runs it)")
                .contains("<optimizedLaunch>false</optimizedLaunch>");
    }

    /** The text without XML comments and without {@code #} comment lines (comments may name the flags they avoid). */
    static String withoutComments(String text) {
        return text.replaceAll("(?s)<!--.*?-->", "").replaceAll("(?m)^\\s*#.*$", "");
    }

    @Test
    void aCommentMayNameAFlagButAnOptionMayNot() {
        assertThat(SLOW_JIT.matcher(withoutComments("<!-- adds -XX:TieredStopAtLevel=1 -->\n# -Xint\n")).find()).isFalse();
        assertThat(SLOW_JIT.matcher(withoutComments("JAVA_OPTS=\"-XX:TieredStopAtLevel=1\"")).find()).isTrue();
    }

    @Test
    void everyLaunchSetsPassiveOpenMpAndNoOrtTelemetry() throws Exception {
        String docker = Files.readString(Path.of("Dockerfile"));
        assertThat(docker).contains("OMP_WAIT_POLICY=PASSIVE").contains("ORT_DISABLE_TELEMETRY=1");
        assertThat(docker).as("the image starts the jar with JAVA_OPTS only").contains("exec java $JAVA_OPTS -jar /app/qforge.jar");
        String k8s = Files.readString(Path.of("k8s/config.yaml"));
        assertThat(k8s).contains("OMP_WAIT_POLICY: \"PASSIVE\"").contains("ORT_DISABLE_TELEMETRY: \"1\"");
        String pom = Files.readString(Path.of("pom.xml"));
        int run = pom.indexOf("<artifactId>spring-boot-maven-plugin</artifactId>");
        String plugin = pom.substring(run, pom.indexOf("</plugin>", run));
        assertThat(plugin).contains("<OMP_WAIT_POLICY>PASSIVE</OMP_WAIT_POLICY>").contains("<ORT_DISABLE_TELEMETRY>1</ORT_DISABLE_TELEMETRY>");
        assertThat(Files.readString(Path.of("k8s/qforge.yaml"))).as("k8s runs the image built by the Dockerfile")
                .contains("image: qforge");
        assertThat(Files.readString(Path.of("docker-compose.yml"))).as("compose builds the Dockerfile").contains("build: .");
    }
}
