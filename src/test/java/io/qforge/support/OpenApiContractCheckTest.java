package io.qforge.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract check itself (no service): it passes what openapi.yaml documents and fails each kind of violation. */
class OpenApiContractCheckTest {
    private static final String ID = "0b7c7a56-5d43-4c1f-9a3b-2f6f1d0f8e11";
    private static final Map<String, List<String>> KEY = Map.of("Authorization", List.of("Bearer qf_x"));
    private static final String NOT_FOUND = "{\"type\":\"https://qforge.io/problems/not-found\",\"title\":\"Not found\","
            + "\"status\":404,\"detail\":\"Model " + ID + " does not exist\",\"instance\":\"/v1/models/" + ID + "\"}";
    private static final String PAGE = "{\"items\":[],\"page\":0,\"size\":20,\"total\":0}";

    private static OpenApiContract.Exchange get(String pathAndQuery, Map<String, List<String>> headers, int status,
            String contentType, String body) {
        return new OpenApiContract.Exchange("GET", URI.create("http://localhost:1" + pathAndQuery), headers, null, status,
                Map.of("Content-Type", List.of(contentType)), body.getBytes(StandardCharsets.UTF_8));
    }

    private static void check(OpenApiContract.Exchange x) {
        OpenApiContract.get().validate(x, true);
    }

    @Test
    void aDocumentedExchangePassesAndNamesItsOperation() {
        assertThat(OpenApiContract.get().validate(get("/v1/models/" + ID, KEY, 404, "application/problem+json", NOT_FOUND), true))
                .isEqualTo("GET /v1/models/{id}");
        assertThat(OpenApiContract.get().validate(get("/v1/models?page=1&size=20", KEY, 200, "application/json", PAGE), true))
                .isEqualTo("GET /v1/models");
    }

    @Test
    void anUndocumentedStatusFails() {
        assertThatThrownBy(() -> check(get("/v1/models/" + ID, KEY, 409, "application/problem+json",
                NOT_FOUND.replace("404", "409")))).hasMessageContaining("409 not defined");
    }

    @Test
    void anUndocumentedOrMissingResponseFieldFails() {
        assertThatThrownBy(() -> check(get("/v1/models", KEY, 200, "application/json", PAGE.replace("}", ",\"next\":1}"))))
                .hasMessageContaining("next");
        assertThatThrownBy(() -> check(get("/v1/models", KEY, 200, "application/json", "{\"items\":[],\"page\":0}")))
                .hasMessageContaining("size").hasMessageContaining("total");
    }

    @Test
    void aProblemWithTheWrongStatusOrContentTypeFails() {
        assertThatThrownBy(() -> check(get("/v1/models/" + ID, KEY, 404, "application/problem+json",
                NOT_FOUND.replace("\"status\":404", "\"status\":400")))).hasMessageContaining("says status 400");
        assertThatThrownBy(() -> check(get("/v1/models/" + ID, KEY, 404, "text/html", "<html>not found</html>")))
                .hasMessageContaining("text/html");
    }

    @Test
    void anUndocumentedQueryParameterOrAMissingKeyFails() {
        assertThatThrownBy(() -> check(get("/v1/models?sort=name", KEY, 200, "application/json", PAGE)))
                .hasMessageContaining("sort");
        assertThatThrownBy(() -> check(get("/v1/models", Map.of(), 200, "application/json", PAGE)))
                .hasMessageContaining("security");
        assertThatThrownBy(() -> check(get("/v1/nothing-here", KEY, 404, "application/problem+json", NOT_FOUND)))
                .hasMessageContaining("No API path found");
    }

    @Test
    void uncheckedSkipsTheRequestButStillJudgesTheResponseOfADocumentedOperation() {
        var badId = get("/v1/models/not-a-uuid", Map.of(), 400, "application/problem+json", NOT_FOUND.replace("404", "400"));
        assertThatThrownBy(() -> check(badId)).hasMessageContaining("not-a-uuid");
        assertThatCode(() -> OpenApiContract.get().validate(badId, false)).doesNotThrowAnyException();
        var wrongResponse = get("/v1/models/not-a-uuid", Map.of(), 400, "application/json", "{}");
        assertThatThrownBy(() -> OpenApiContract.get().validate(wrongResponse, false)).hasMessageContaining("application/json");
        // a path in no canonical spelling names no operation: nothing to judge
        var hostile = get("/v1;x=1/admin/tenants", Map.of(), 201, "application/json", "{}");
        assertThatCode(() -> OpenApiContract.get().validate(hostile, false)).doesNotThrowAnyException();
    }
}
