package io.qforge.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.onnx.SupportedOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The op table is whole, and docs/QUANTIZATION-POLICY.md says what it says. */
class OpTablePolicyTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| (\\w+) \\| (.+) \\|$");

    /** The "Op by op" table of the policy page: op type -> [role, policy line]. */
    static Map<String, String[]> documented() throws IOException {
        String doc = Files.readString(Path.of("docs/QUANTIZATION-POLICY.md"));
        String section = doc.substring(doc.indexOf("## Op by op"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.put(m.group(1), new String[] {m.group(2), m.group(3)});
            }
        }
        return rows;
    }

    @Test
    void everyOpHasAnOpAShapeRuleARoleAndAPolicy() {
        assertThat(OpTable.all()).isNotEmpty();
        OpTable.all().forEach((type, spec) -> {
            assertThat(spec.type()).isEqualTo(type);
            assertThat(spec.factory()).as(type).isNotNull();
            assertThat(spec.shape()).as(type).isNotNull();
            assertThat(spec.role()).as(type).isNotNull();
            assertThat(spec.policy()).as(type).isNotBlank();
        });
    }

    @Test
    void thePolicyPageListsEveryOpWithItsRoleAndPolicy() throws IOException {
        Map<String, String[]> doc = documented();
        assertThat(doc.keySet()).containsExactlyElementsOf(OpTable.types());
        OpTable.all().forEach((type, spec) -> {
            assertThat(doc.get(type)[0]).as("role of %s", type).isEqualTo(spec.role().name());
            assertThat(doc.get(type)[1]).as("policy of %s", type).isEqualTo(spec.policy());
        });
    }

    @Test
    void everyIntegerOpHasAnIntegerLayerAndOnlyThose() {
        Set<String> linear = Set.of("Conv", "Gemm", "MatMul");
        OpTable.all().forEach((type, spec) -> {
            boolean layer = linear.contains(type) || IntModelConverter.integerLayerTypes().contains(type);
            assertThat(layer).as("%s (%s) has an integer layer", type, spec.role()).isEqualTo(spec.role() == QuantRole.INTEGER);
        });
    }

    @Test
    void theImporterKeepsExactlyTheTablesOps() {
        assertThat(SupportedOps.RUNTIME).containsExactlyInAnyOrderElementsOf(OpTable.types());
        assertThat(OpRegistry.supportedOpTypes()).containsExactlyInAnyOrderElementsOf(OpTable.types());
    }
}
