package io.qforge.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Python client's own unit tests (stdlib unittest: multipart encoding, SSE parsing, progress
 * bar, spec options, retries, stream resume, download checks), run on the installed package, and
 * its job spec table held to openapi.yaml's JobSpec.
 */
class PythonClientUnitTest {
    @Test
    void pythonUnitTestsPass() throws Exception {
        var venv = PythonVenv.get();
        Path tests = venv.source.resolve("tests");
        var r = PythonVenv.run(List.of(venv.python.toString(), "-m", "unittest", "discover", "-v", "-s", tests.toString(),
                "-t", tests.toString()), Map.of(), Duration.ofMinutes(5));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stderr()).as(r.toString()).containsPattern("Ran [1-9][0-9]* tests").contains("\nOK");
        assertThat(r.stderr()).as("every test module ran").contains("test_multipart.", "test_sse.", "test_progress.",
                "test_spec.", "test_transport.");
    }

    @Test
    void installedAsAConsoleScriptAndAModule() throws Exception {
        var venv = PythonVenv.get();
        var script = PythonVenv.run(List.of(venv.qforge.toString(), "--version"), Map.of(), Duration.ofMinutes(1));
        var module = PythonVenv.run(List.of(venv.python.toString(), "-m", "qforge", "--version"), Map.of(),
                Duration.ofMinutes(1));
        assertThat(script.exit()).as(script.toString()).isZero();
        assertThat(module.exit()).as(module.toString()).isZero();
        assertThat(script.stdout()).startsWith("qforge ").isEqualTo(module.stdout());
        var help = PythonVenv.run(List.of(venv.qforge.toString(), "quantize", "--help"), Map.of(), Duration.ofMinutes(1));
        assertThat(help.stdout()).contains("--weight-bits", "--freeze-observers-after-epoch", "Ctrl-C cancels");
    }

    @Test
    void specTableHasEveryJobSpecFieldOfTheContract() throws Exception {
        var venv = PythonVenv.get();
        var r = PythonVenv.run(List.of(venv.python.toString(), "-c",
                "import json, qforge.spec as s; print(json.dumps(s.as_json()))"), Map.of(), Duration.ofMinutes(1));
        assertThat(r.exit()).as(r.toString()).isZero();
        var client = new TreeMap<String, JsonNode>();
        for (JsonNode f : JsonMapper.builder().build().readTree(r.stdout())) {
            client.put(f.get("name").stringValue(), f);
        }

        var options = new ParseOptions();
        options.setResolve(true);
        var api = new OpenAPIParser().readContents(Files.readString(Path.of("openapi.yaml")), null, options).getOpenAPI();
        Map<String, Schema> contract = api.getComponents().getSchemas().get("JobSpec").getProperties();

        assertThat(client.keySet()).isEqualTo(new TreeMap<>(contract).keySet());
        contract.forEach((name, schema) -> {
            JsonNode f = client.get(name);
            assertThat(f.get("type").stringValue()).as(name + " type").isEqualTo(schema.getType());
            assertThat(number(f.get("default"), schema.getDefault())).as(name + " default").isTrue();
            assertThat(number(f.get("minimum"), schema.getMinimum())).as(name + " minimum").isTrue();
            assertThat(number(f.get("maximum"), schema.getMaximum())).as(name + " maximum").isTrue();
            var choices = f.get("choices").isNull() ? null
                    : f.get("choices").valueStream().map(JsonNode::stringValue).toList();
            assertThat(choices).as(name + " enum").isEqualTo(schema.getEnum() == null ? null
                    : schema.getEnum().stream().map(Object::toString).toList());
        });
    }

    /** The client's value equals the contract's (numbers by value, strings and booleans as written). */
    private static boolean number(JsonNode client, Object contract) {
        if (contract == null) return client == null || client.isNull();
        if (client == null || client.isNull()) return false;
        if (contract instanceof Number n) {
            return client.isNumber() && client.decimalValue().compareTo(new BigDecimal(n.toString())) == 0;
        }
        if (contract instanceof Boolean b) return client.isBoolean() && client.booleanValue() == b;
        return contract.toString().equals(client.asString());
    }
}
