package io.qforge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine is a library: no compiled engine class may reference Spring, JPA or servlet types.
 * Scans the constant pools of the compiled classes (every referenced type appears there as an
 * internal name such as {@code org/springframework/...}), so imports, fully qualified names and
 * annotations are all caught.
 */
class EngineIsFrameworkFreeTest {
    private static final List<String> FORBIDDEN = List.of("org/springframework/", "jakarta/persistence/",
            "jakarta/servlet/", "javax/persistence/", "javax/servlet/");

    @Test
    void engineClassesReferenceNoFrameworkTypes() throws IOException {
        Path root = Path.of("target/classes/io/qforge/engine");
        assertThat(root).isDirectory();
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                scanned++;
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String bad : FORBIDDEN) {
                    if (text.contains(bad)) {
                        offenders.add(root.relativize(f) + " references " + bad);
                    }
                }
            }
        }
        assertThat(scanned).as("engine classes scanned").isGreaterThan(10);
        assertThat(offenders).isEmpty();
    }
}
