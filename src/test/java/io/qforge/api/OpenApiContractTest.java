package io.qforge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/** openapi.yaml is the contract: every /v1 controller mapping is in it and nothing else is; it is served. */
class OpenApiContractTest extends ServiceTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void controllersAndOpenApiYamlDeclareTheSameOperations() throws Exception {
        var fromControllers = new TreeSet<String>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/v1/"))
                .forEach(p -> info.getMethodsCondition().getMethods()
                        .forEach(m -> fromControllers.add(m.name() + " " + p))));

        var fromYaml = new TreeSet<String>();
        Map<String, Object> doc = new Yaml().load(Files.readString(Path.of("openapi.yaml")));
        @SuppressWarnings("unchecked")
        var paths = (Map<String, Map<String, Object>>) doc.get("paths");
        paths.forEach((path, ops) -> ops.keySet().stream().filter(METHODS::contains)
                .forEach(m -> fromYaml.add(m.toUpperCase() + " " + path)));

        assertThat(fromControllers).isNotEmpty();
        assertThat(fromYaml).as("openapi.yaml vs controllers").isEqualTo(fromControllers);
    }

    @Test
    void theContractAndSwaggerUiAreServed() throws Exception {
        var anonymous = new Http(port, null);
        var yaml = anonymous.get("/openapi.yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.text()).isEqualTo(Files.readString(Path.of("openapi.yaml")));
        var ui = anonymous.get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        var config = anonymous.get("/v3/api-docs/swagger-config");
        assertThat(config.text()).contains("/openapi.yaml");
    }

    @Test
    void actuatorHealthAndPrometheusMetricsAreExposed() {
        var anonymous = new Http(port, null);
        assertThat(anonymous.get("/actuator/health").json().get("status").stringValue()).isEqualTo("UP");
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        newTenant().upload("/v1/models", "mlp.onnx", fixture("mlp.onnx"));
        var prom = anonymous.get("/actuator/prometheus").text();
        assertThat(prom).contains("qforge_jobs{status=\"QUEUED\"}").contains("qforge_queue_depth{queue=\"default\"}")
                .contains("qforge_upload_bytes_count{kind=\"model\"}");
    }
}
