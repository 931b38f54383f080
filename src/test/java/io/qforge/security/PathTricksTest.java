package io.qforge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import io.qforge.support.Http;
import io.qforge.support.RawHttp;
import io.qforge.support.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The admin bypass of issue 7: every protected route, spelled every way a router and a security
 * check could read differently ({@link PathTricks}), without a key, with a tenant's key on the admin
 * API, and with the admin token off the exact documented paths. Nothing may answer 2xx, no tenant
 * or key may appear, and the rejections are problem+json.
 */
class PathTricksTest extends ServiceTest {
    private static final String ADMIN = "test-admin-token";

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    QforgeProperties props;

    record Route(String method, String path) {}

    /** Every {@code /v1} route of the controllers, with ids filled in. */
    List<Route> routes() {
        var routes = new ArrayList<Route>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/v1/")) continue;
                String path = pattern.replaceAll("\\{name}", "model.int8.onnx").replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                var methods = info.getMethodsCondition().getMethods();
                for (var m : methods.isEmpty() ? List.of(org.springframework.web.bind.annotation.RequestMethod.GET) : methods) {
                    routes.add(new Route(m.name(), path));
                }
            }
        });
        assertThat(routes).extracting(Route::path).contains("/v1/admin/tenants", "/v1/models", "/v1/jobs");
        return routes;
    }

    @Test
    void withoutAKeyNoSpellingOfAnyRouteIsServed() {
        long tenantsBefore = count("tenants");
        long keysBefore = count("api_keys");
        var failures = new ArrayList<String>();
        int sent = 0;
        for (var route : routes()) {
            for (String path : withExact(route.path())) {
                var res = send(route.method(), path, null, body(route));
                sent++;
                if (res.status() != 400 && res.status() != 401 && res.status() != 404) {
                    failures.add(route.method() + " " + path + " -> " + res.status());
                }
                checkProblem(res, route.method() + " " + path, failures);
            }
        }
        assertThat(sent).isGreaterThan(500);
        assertThat(failures).isEmpty();
        assertThat(count("tenants")).isEqualTo(tenantsBefore);
        assertThat(count("api_keys")).isEqualTo(keysBefore);
    }

    @Test
    void aTenantKeyReachesNoSpellingOfTheAdminApi() {
        String key = tenants.createTenant("t-" + UUID.randomUUID()).secret();
        long tenantsBefore = count("tenants");
        long keysBefore = count("api_keys");
        var failures = new ArrayList<String>();
        for (var route : adminRoutes()) {
            for (String path : withExact(route.path())) {
                var res = send(route.method(), path, key, body(route));
                if (res.status() != 400 && res.status() != 401 && res.status() != 403 && res.status() != 404) {
                    failures.add(route.method() + " " + path + " -> " + res.status());
                }
                checkProblem(res, route.method() + " " + path, failures);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(count("tenants")).isEqualTo(tenantsBefore);
        assertThat(count("api_keys")).isEqualTo(keysBefore);
    }

    @Test
    void theAdminTokenIsServedOnlyOnTheExactDocumentedPaths() {
        long tenantsBefore = count("tenants");
        var failures = new ArrayList<String>();
        for (var route : adminRoutes()) {
            for (String path : PathTricks.of(route.path())) {
                var res = send(route.method(), path, ADMIN, body(route));
                if (res.status() >= 200 && res.status() < 300 || res.status() >= 500) {
                    failures.add(route.method() + " " + path + " -> " + res.status());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(count("tenants")).isEqualTo(tenantsBefore);
        var exact = send("POST", "/v1/admin/tenants", ADMIN, "{\"name\":\"exact-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(exact.status()).as(exact.body()).isEqualTo(201);
    }

    @Test
    void theAdminApiIsClosedWhenNoAdminTokenIsSet() {
        String before = props.getBootstrap().getAdminToken();
        props.getBootstrap().setAdminToken("");
        try {
            for (String token : new String[] {null, "", ADMIN, tenants.createTenant("t-" + UUID.randomUUID()).secret()}) {
                var res = send("POST", "/v1/admin/tenants", token, "{\"name\":\"closed\"}");
                assertThat(res.status()).as("token %s", token).isIn(401, 403);
            }
            assertThat(count("tenants WHERE name = 'closed'")).isZero();
        } finally {
            props.getBootstrap().setAdminToken(before);
        }
    }

    @Test
    void keysAndRolesAnswer401And403AsProblems() {
        var anonymous = new Http(port, null).unchecked().get("/v1/models"); // no key: not a request the contract allows
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(anonymous.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(new Http(port, "qf_not-a-key").get("/v1/models").status()).isEqualTo(401);
        var tenantOnAdmin = newTenant().postJson("/v1/admin/tenants", "{\"name\":\"x\"}");
        assertThat(tenantOnAdmin.status()).isEqualTo(403);
        assertThat(tenantOnAdmin.json().get("type").stringValue()).isEqualTo("https://qforge.io/problems/forbidden");
        var adminOnTenantApi = new Http(port, ADMIN).get("/v1/models");
        assertThat(adminOnTenantApi.status()).isEqualTo(403);
        var rejected = send("GET", "/v1;x=1/models", null, null);
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(rejected.body()).contains("https://qforge.io/problems/bad-request");
        assertThat(new Http(port, null).get("/actuator/health").status()).isEqualTo(200);
    }

    /** One request written byte for byte, so a hostile path arrives exactly as spelled here. */
    private RawHttp.Response send(String method, String path, String token, String jsonBody) {
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n")
                .append("Connection: close\r\n");
        if (token != null) head.append("Authorization: Bearer ").append(token).append("\r\n");
        if (jsonBody != null) head.append("Content-Type: application/json\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        try (var raw = new RawHttp(port)) {
            raw.send(head.toString()).send(body);
            return raw.read(java.time.Duration.ofSeconds(30));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path, e);
        }
    }

    private List<Route> adminRoutes() {
        return routes().stream().filter(r -> r.path().startsWith("/v1/admin/")).toList();
    }

    private static List<String> withExact(String path) {
        var all = new ArrayList<String>();
        all.add(path);
        all.addAll(PathTricks.of(path));
        return all;
    }

    private static String body(Route route) {
        if (route.method().equals("GET") || route.method().equals("DELETE")) return null;
        return "{\"name\":\"evil-" + UUID.randomUUID().toString().substring(0, 8) + "\"}";
    }

    private static void checkProblem(RawHttp.Response res, String request, List<String> failures) {
        if (res.status() >= 400 && !"application/problem+json".equals(res.header("Content-Type"))) {
            failures.add(request + " -> " + res.status() + " with " + res.header("Content-Type") + ": "
                    + res.body().substring(0, Math.min(120, res.body().length())));
        }
    }

    private long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }
}
