package io.qforge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.OpenApiContract;
import io.qforge.support.ServiceTest;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/**
 * openapi.yaml is the contract: every /v1 controller mapping is in it and nothing else is, with
 * the same parameters; the error statuses each route can answer are documented; it is served.
 * (Responses are checked against it on every HTTP test's request, see {@link Http}; that every
 * documented status is produced is {@code ContractCoverageTest}.)
 */
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

    /**
     * Each operation's documented parameters (path, query, header; multipart form fields; a JSON
     * body) are exactly those its handler methods bind, with the same required-ness and type.
     */
    @Test
    void everyOperationDocumentsExactlyTheParametersItsHandlerBinds() {
        var fromControllers = new TreeMap<String, Set<String>>();
        var readsRawBody = new TreeSet<String>();
        mappings.getHandlerMethods().forEach((info, handler) -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/v1/"))
                .forEach(p -> info.getMethodsCondition().getMethods().forEach(m -> {
                    String op = m.name() + " " + p;
                    var params = fromControllers.computeIfAbsent(op, k -> new TreeSet<>());
                    boolean multipart = info.getConsumesCondition().getConsumableMediaTypes().stream()
                            .anyMatch(MediaType.MULTIPART_FORM_DATA::includes);
                    for (var mp : handler.getMethodParameters()) {
                        String bound = bound(mp, multipart);
                        if (bound != null) params.add(bound);
                        if (HttpServletRequest.class.isAssignableFrom(mp.getParameterType()) && multipart) {
                            readsRawBody.add(op);
                        }
                        if (WebRequest.class.isAssignableFrom(mp.getParameterType())) {
                            // checkNotModified reads the conditional request headers itself
                            params.add("header if-none-match false string");
                        }
                    }
                })));

        var fromYaml = new TreeMap<String, Set<String>>();
        contractOperations().forEach((op, o) -> fromYaml.put(op, documented(o.item(), o.operation())));

        assertThat(fromYaml.keySet()).isEqualTo(fromControllers.keySet());
        fromYaml.forEach((op, documented) -> {
            var bound = fromControllers.get(op);
            if (readsRawBody.contains(op)) {
                // the handler parses the multipart body itself: its form fields are not visible to reflection
                var notForm = new TreeSet<String>();
                documented.stream().filter(d -> !d.startsWith("form ")).forEach(notForm::add);
                var boundNotForm = new TreeSet<String>();
                bound.stream().filter(d -> !d.startsWith("form ")).forEach(boundNotForm::add);
                assertThat(boundNotForm).as(op).isEqualTo(notForm);
                assertThat(documented).as(op + ": form fields").containsAll(bound);
            } else {
                assertThat(bound).as(op + " (handler) vs openapi.yaml").isEqualTo(documented);
            }
        });
    }

    /**
     * Where each error status can happen, the contract says so: 400, 401, 403 and 431 on every operation
     * (malformed request or rejected path; no valid key; a tenant's key on the admin operations,
     * which alone use the admin security scheme, or the admin token elsewhere; headers above the
     * limit); 404 wherever a path names a
     * resource; 413 on every upload; 429 on every tenant operation (per-tenant rate limit), which
     * includes the quota routes (uploads, job submit, event streams); 429 with Retry-After, 401 with
     * WWW-Authenticate, and every error an RFC 9457 problem.
     */
    @Test
    void errorStatusesAreDocumentedWhereTheyCanHappen() {
        var ops = contractOperations();
        assertThat(ops).containsKeys("POST /v1/models", "POST /v1/datasets", "POST /v1/jobs", "GET /v1/jobs/{id}/events");
        ops.forEach((op, o) -> {
            var statuses = o.operation().getResponses().keySet();
            String path = op.substring(op.indexOf(' ') + 1);
            boolean admin = path.startsWith("/v1/admin/");
            boolean upload = o.operation().getRequestBody() != null
                    && o.operation().getRequestBody().getContent().containsKey("multipart/form-data");
            assertThat(statuses).as(op).contains("400", "401", "431");
            var schemes = new TreeSet<String>();
            (o.operation().getSecurity() == null ? OpenApiContract.get().api().getSecurity() : o.operation().getSecurity())
                    .forEach(req -> schemes.addAll(req.keySet()));
            assertThat(schemes).as(op + " security").containsExactly(admin ? "admin" : "bearer");
            assertThat(statuses).as(op + " (a key of the other kind)").contains("403");
            if (admin) {
                assertThat(statuses).as(op + " (no rate limit on the admin API)").doesNotContain("429");
            } else {
                assertThat(statuses).as(op + " (per-tenant rate limit)").contains("429");
            }
            if (path.contains("{")) assertThat(statuses).as(op + " (names a resource)").contains("404");
            if (upload) assertThat(statuses).as(op + " (upload)").contains("413");
            o.operation().getResponses().forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertThat(response.getContent()).as(op + " " + status).containsOnlyKeys("application/problem+json");
                }
                if (status.equals("429")) {
                    assertThat(response.getHeaders()).as(op + " 429").containsKey("Retry-After");
                    assertThat(response.getHeaders().get("Retry-After").getRequired()).isTrue();
                }
                if (status.equals("401")) {
                    assertThat(response.getHeaders().get("WWW-Authenticate").getRequired()).as(op + " 401").isTrue();
                }
            });
        });
    }

    record ContractOperation(PathItem item, Operation operation) {}

    static Map<String, ContractOperation> contractOperations() {
        var ops = new TreeMap<String, ContractOperation>();
        OpenApiContract.get().api().getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, op) -> ops.put(method.name() + " " + path, new ContractOperation(item, op))));
        return ops;
    }

    /** "in name required type" of what the contract documents for one operation. */
    private static Set<String> documented(PathItem item, Operation op) {
        var out = new TreeSet<String>();
        var params = new ArrayList<Parameter>();
        if (item.getParameters() != null) params.addAll(item.getParameters());
        if (op.getParameters() != null) params.addAll(op.getParameters());
        for (var p : params) {
            String name = p.getIn().equals("header") ? p.getName().toLowerCase() : p.getName();
            out.add(p.getIn() + " " + name + " " + Boolean.TRUE.equals(p.getRequired()) + " " + type(p.getSchema()));
        }
        var body = op.getRequestBody();
        if (body != null) {
            var multipart = body.getContent().get("multipart/form-data");
            if (multipart != null) {
                Schema<?> schema = multipart.getSchema();
                List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
                schema.getProperties().forEach((name, prop) ->
                        out.add("form " + name + " " + required.contains(name) + " " + type((Schema<?>) prop)));
            } else {
                out.add("body " + Boolean.TRUE.equals(body.getRequired()));
            }
        }
        return out;
    }

    /** "in name required type" of what one handler parameter binds, or null for what is not a request parameter. */
    private static String bound(MethodParameter mp, boolean multipart) {
        mp.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
        String type = type(mp.getParameterType());
        var path = mp.getParameterAnnotation(PathVariable.class);
        if (path != null) return "path " + name(path.name(), mp) + " true " + type;
        var param = mp.getParameterAnnotation(RequestParam.class);
        if (param != null) {
            boolean required = param.required() && param.defaultValue().equals(ValueConstants.DEFAULT_NONE);
            return (multipart ? "form " : "query ") + name(param.name(), mp) + " " + required + " " + type;
        }
        var header = mp.getParameterAnnotation(RequestHeader.class);
        if (header != null) {
            boolean required = header.required() && header.defaultValue().equals(ValueConstants.DEFAULT_NONE);
            return "header " + name(header.name(), mp).toLowerCase() + " " + required + " " + type;
        }
        var part = mp.getParameterAnnotation(RequestPart.class);
        if (part != null) return "form " + name(part.name(), mp) + " " + part.required() + " " + type;
        var body = mp.getParameterAnnotation(RequestBody.class);
        if (body != null) return "body " + body.required();
        return null;
    }

    private static String name(String annotated, MethodParameter mp) {
        return annotated.isEmpty() ? mp.getParameterName() : annotated;
    }

    private static String type(Class<?> t) {
        if (t == UUID.class) return "string/uuid";
        if (t == String.class || t.isEnum() || MultipartFile.class.isAssignableFrom(t)) return "string";
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "integer";
        if (t == boolean.class || t == Boolean.class) return "boolean";
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "number";
        return t.getName();
    }

    private static String type(Schema<?> s) {
        return s.getType() + ("uuid".equals(s.getFormat()) ? "/uuid" : "");
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
