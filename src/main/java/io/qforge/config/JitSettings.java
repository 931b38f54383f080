package io.qforge.config;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Whether this JVM compiles hot code with C2. The training kernels are Java loops that only C2
 * vectorizes; {@code -XX:TieredStopAtLevel=1} (what Spring Boot's Maven plugin adds by default for
 * {@code spring-boot:run}, turned off in pom.xml) or {@code -Xint} make training several times
 * slower. The service logs a warning at start when C2 is off; {@link #main} prints the verdict so a
 * test can check the JVM that a run command really starts.
 */
@Component
public class JitSettings implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(JitSettings.class);

    /** True when the C2 compiler can run: tiered compilation up to level 4 (or C2 only), not interpreted. */
    public static boolean c2Enabled() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) return false;
        var hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
        int stopAt = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
        return !tiered || stopAt >= 4;
    }

    public static String describe() {
        return "c2=" + c2Enabled() + " jvmArguments=" + ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!c2Enabled()) {
            log.warn("The C2 JIT compiler is off in this JVM ({}): training will be several times slower. "
                    + "Start qforge without -XX:TieredStopAtLevel=1 / -Xint.", describe());
        }
    }

    /** Prints {@link #describe()}: {@code ./mvnw spring-boot:run -Dspring-boot.run.main-class=io.qforge.config.JitSettings}. */
    public static void main(String[] args) {
        System.out.println("qforge-jit: " + describe());
    }
}
