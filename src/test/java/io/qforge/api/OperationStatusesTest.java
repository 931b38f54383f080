package io.qforge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.OpenApiContract;
import io.qforge.support.ServiceTest;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The error statuses every operation of {@code openapi.yaml} documents, sent to every operation the
 * contract lists (so a new operation is covered without a new test): 401 without a key, 403 for
 * a key of the other kind (tenant / admin), 400 for a malformed request, 431 for headers above
 * the limit. The responses are checked against the contract by {@link Http}.
 */
class OperationStatusesTest extends ServiceTest {

    record Op(String method, String path, Operation operation, List<Parameter> parameters) {
        boolean multipart() {
            return operation.getRequestBody() != null && operation.getRequestBody().getContent().containsKey("multipart/form-data");
        }

        boolean json() {
            return operation.getRequestBody() != null && operation.getRequestBody().getContent().containsKey("application/json");
        }

        /** The path with every path parameter filled by {@code value}. */
        String path(String value) {
            String p = path;
            for (var param : parameters) {
                if ("path".equals(param.getIn())) p = p.replace("{" + param.getName() + "}", value);
            }
            return p;
        }

        boolean hasUuidInPath() {
            return parameters.stream().anyMatch(p -> "path".equals(p.getIn()) && "uuid".equals(p.getSchema().getFormat()));
        }
    }

    static List<Op> operations() {
        var ops = new ArrayList<Op>();
        OpenApiContract.get().api().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            var params = new ArrayList<Parameter>();
            if (item.getParameters() != null) params.addAll(item.getParameters());
            if (op.getParameters() != null) params.addAll(op.getParameters());
            ops.add(new Op(method.name(), path, op, params));
        }));
        return ops;
    }

    @Test
    void everyOperationAnswers401WithoutAKeyAndWithAWrongOne() {
        var ops = operations();
        assertThat(ops).hasSizeGreaterThan(10);
        var anonymous = new Http(port, null).unchecked();
        var wrongKey = new Http(port, "qf_not-a-key").unchecked(); // the bodies are placeholders
        for (var op : ops) {
            String path = op.path(UUID.randomUUID().toString()).replace("{name}", "model.int8.onnx");
            for (var client : List.of(anonymous, wrongKey)) {
                var res = send(client, op, path);
                assertThat(res.status()).as(op.method() + " " + path + ": " + res.text()).isEqualTo(401);
                assertThat(res.header("WWW-Authenticate")).startsWith("Bearer");
            }
        }
    }

    @Test
    void everyOperationAnswers403ToAKeyOfTheOtherKind() {
        var tenantKey = newTenant().unchecked(); // the bodies are placeholders
        var adminToken = new Http(port, "test-admin-token").unchecked();
        for (var op : operations()) {
            String path = op.path(UUID.randomUUID().toString()).replace("{name}", "model.int8.onnx");
            var res = send(op.path().startsWith("/v1/admin/") ? tenantKey : adminToken, op, path);
            assertThat(res.status()).as(op.method() + " " + path + ": " + res.text()).isEqualTo(403);
        }
    }

    @Test
    void everyOperationAnswers431ToHeadersAboveTheLimit() {
        var api = newTenant().unchecked(); // the bodies are placeholders
        var admin = new Http(port, "test-admin-token").unchecked();
        String big = "a".repeat(9_000); // above the 8KB limit, little enough that Tomcat reads nearly all of it
        for (var op : operations()) {
            String path = op.path(UUID.randomUUID().toString()).replace("{name}", "model.int8.onnx");
            var client = op.path().startsWith("/v1/admin/") ? admin : api;
            var res = answered(() -> send(client.with("X-Big", big), op, path));
            assertThat(res.status()).as(op.method() + " " + path + ": " + res.text()).isEqualTo(431);
        }
    }

    /**
     * Tomcat answers 431 and closes the connection with part of the request unread; the client's
     * TCP stack may then see a reset before it reads the answer (a race of the transport, not of the
     * service). Up to three tries, so that the answer itself is what the test checks.
     */
    private static Http.Res answered(java.util.function.Supplier<Http.Res> request) {
        IllegalStateException last = null;
        for (int i = 0; i < 3; i++) {
            try {
                return request.get();
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof java.io.IOException)) throw e;
                last = e;
            }
        }
        throw last;
    }

    @Test
    void everyOperationAnswers400ToAMalformedRequest() {
        var api = newTenant().unchecked();
        var admin = new Http(port, "test-admin-token").unchecked();
        for (var op : operations()) {
            var client = op.path().startsWith("/v1/admin/") ? admin : api;
            Http.Res res;
            String what;
            if (op.hasUuidInPath()) {
                what = "an id that is not a UUID";
                res = send(client, op, op.path("not-a-uuid").replace("{name}", "model.int8.onnx"));
            } else if (op.json()) {
                what = "a body that is not JSON";
                res = client.postJson(op.path(), "{not json");
            } else if (op.multipart()) {
                what = "a multipart body without a 'file' part";
                res = client.multipart(op.path(), "name", "no-file-here");
            } else {
                what = "size=0";
                res = client.get(op.path() + "?size=0");
            }
            assertThat(res.status()).as(op.method() + " " + op.path() + " with " + what + ": " + res.text()).isEqualTo(400);
            assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void aDatasetIsListedFetchedAndDeleted() {
        var api = newTenant();
        String id = api.upload("/v1/datasets", "digits.npz", fixture("digits.npz")).json().get("id").stringValue();
        var list = api.get("/v1/datasets?page=0&size=5");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items").get(0).get("id").stringValue()).isEqualTo(id);
        var one = api.get("/v1/datasets/" + id);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("classes").intValue()).isEqualTo(10);
        assertThat(api.delete("/v1/datasets/" + id).status()).isEqualTo(204);
        assertThat(api.get("/v1/datasets").json().get("total").longValue()).isZero();
    }

    private static Http.Res send(Http client, Op op, String path) {
        return switch (op.method()) {
            case "GET" -> client.get(path);
            case "DELETE" -> client.delete(path);
            case "POST" -> op.multipart() ? client.upload(path, "m.onnx", fixture("mlp.onnx"))
                    : client.postJson(path, op.json() ? "{}" : "");
            default -> throw new IllegalStateException("no request for " + op.method() + " " + op.path());
        };
    }
}
