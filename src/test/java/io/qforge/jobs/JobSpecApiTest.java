package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.OpenApiContract;
import io.qforge.support.ServiceTest;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/job-spec} (the field table the dashboard's form is built from) and
 * {@code POST /v1/job-spec/check}: the table is the one validation uses (each served bound is the
 * bound a submit is refused past), it agrees with {@code openapi.yaml}'s JobSpec schema, and a
 * check answers what a submit would without queueing anything.
 */
class JobSpecApiTest extends ServiceTest {

    @Test
    void theServedFieldsAreTheParsersDefaultsAndTheContractsSchema() {
        var fields = newTenant().get("/v1/job-spec");
        assertThat(fields.status()).isEqualTo(200);
        var served = fields.json().get("fields");
        var names = new ArrayList<String>();
        served.forEach(f -> names.add(f.get("name").stringValue()));
        assertThat(names).containsExactly(JobSpecFields.names());
        // every record component of JobSpec is a field, in order
        assertThat(names).containsExactly(java.util.Arrays.stream(JobSpec.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).toArray(String[]::new));

        JsonNode defaults = io.qforge.support.Http.JSON.readTree(io.qforge.support.Http.JSON.writeValueAsString(JobSpec.defaults()));
        @SuppressWarnings("rawtypes")
        java.util.Map<String, Schema> schema = OpenApiContract.get().api().getComponents().getSchemas().get("JobSpec")
                .getProperties();
        assertThat(schema.keySet()).containsExactlyElementsOf(names);
        for (JsonNode f : served) {
            String name = f.get("name").stringValue();
            Schema<?> s = schema.get(name);
            assertThat(f.get("default")).as(name).isEqualTo(defaults.get(name));
            assertThat(f.get("type").stringValue()).as(name).isEqualTo(s.getType());
            if (f.get("default").isNumber()) {
                assertThat(decimal(f.get("default"))).as(name + " default in openapi.yaml").isEqualTo(decimal(s.getDefault()));
            } else {
                assertThat(f.get("default").asString()).as(name + " default in openapi.yaml").isEqualTo(String.valueOf(s.getDefault()));
            }
            assertThat(decimal(f.get("minimum"))).as(name + " minimum").isEqualTo(decimal(s.getMinimum()));
            assertThat(decimal(f.get("maximum"))).as(name + " maximum").isEqualTo(decimal(s.getMaximum()));
            assertThat(f.path("exclusiveMinimum").asBoolean(false)).as(name).isEqualTo(Boolean.TRUE.equals(s.getExclusiveMinimum()));
            assertThat(f.path("exclusiveMaximum").asBoolean(false)).as(name).isEqualTo(Boolean.TRUE.equals(s.getExclusiveMaximum()));
            var values = new ArrayList<String>();
            f.path("enum").forEach(v -> values.add(v.stringValue()));
            List<String> documented = s.getEnum() == null ? List.of() : s.getEnum().stream().map(String::valueOf).toList();
            assertThat(values).as(name + " values").isEqualTo(documented);
            assertThat(f.get("description").stringValue()).isNotBlank();
        }
    }

    @Test
    void theFieldsTakeNoParameters() {
        var res = newTenant().unchecked().get("/v1/job-spec?size=0");
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("detail").stringValue()).isEqualTo("GET /v1/job-spec takes no parameters, got 'size=0'");
    }

    /** Just past each served bound, a check is refused naming the field; at the bound it passes. */
    @Test
    void eachServedBoundIsWhereValidationRefuses() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        for (JsonNode f : api.get("/v1/job-spec").json().get("fields")) {
            String name = f.get("name").stringValue();
            String type = f.get("type").stringValue();
            if (f.has("maximum") && type.equals("integer")) {
                int max = f.get("maximum").intValue();
                int min = f.get("minimum").intValue();
                assertThat(check(api, ids, name, Integer.toString(max)).status()).as(name + "=" + max).isEqualTo(200);
                assertThat(check(api, ids, name, Integer.toString(min)).status()).as(name + "=" + min).isEqualTo(200);
                var over = check(api, ids, name, Integer.toString(max + 1));
                assertThat(JobApiTest.byField(over.json())).as(name).containsExactly(
                        "spec." + name + ": must be from " + min + " to " + max + ", got " + (max + 1));
                assertThat(check(api, ids, name, Integer.toString(min - 1)).status()).isEqualTo(422);
            } else if (f.has("maximum")) {
                double max = f.get("maximum").doubleValue();
                double min = f.get("minimum").doubleValue();
                boolean exMax = f.get("exclusiveMaximum").booleanValue();
                boolean exMin = f.get("exclusiveMinimum").booleanValue();
                assertThat(check(api, ids, name, Double.toString(max)).status()).as(name + "=" + max).isEqualTo(exMax ? 422 : 200);
                assertThat(check(api, ids, name, Double.toString(min)).status()).as(name + "=" + min).isEqualTo(exMin ? 422 : 200);
                assertThat(check(api, ids, name, Double.toString(max + 0.5)).status()).isEqualTo(422);
                assertThat(check(api, ids, name, Double.toString(min - 0.5)).status()).isEqualTo(422);
            } else if (f.has("enum")) {
                for (JsonNode v : f.get("enum")) {
                    assertThat(check(api, ids, name, v.toString()).status()).as(name + "=" + v).isEqualTo(200);
                }
                assertThat(check(api, ids, name, "\"NOT_A_VALUE\"").status()).isEqualTo(422);
            }
        }
    }

    @Test
    void aCheckAnswersWhatASubmitWouldWithoutQueueing() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        var ok = api.postJson("/v1/job-spec/check", jobBody(ids[0], ids[1], "{\"epochs\": 2}"));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.json().get("valid").booleanValue()).isTrue();
        assertThat(ok.json().get("spec").get("epochs").intValue()).isEqualTo(2);
        assertThat(ok.json().get("spec").get("batchSize").intValue()).isEqualTo(JobSpec.defaults().batchSize());

        String mlp = api.upload("/v1/models", "mlp.onnx", fixture("mlp.onnx")).json().get("id").stringValue();
        var paired = api.unchecked().postJson("/v1/job-spec/check", jobBody(mlp, ids[1], "{\"weightBits\": 9}"));
        assertThat(paired.status()).isEqualTo(422);
        assertThat(paired.json().get("detail").stringValue()).isEqualTo("The job would not be queued: 3 problem(s)");
        assertThat(JobApiTest.byField(paired.json())).containsExactly(
                "spec.weightBits: must be from 2 to 8, got 9",
                "datasetId: the model input 'input' takes samples of shape [30] but the dataset's samples have shape [1, 8, 8]",
                "datasetId: the dataset has 10 classes (labels 0..9) but the model output 'logits' has 2");
        var submitted = api.unchecked().postJson("/v1/jobs", jobBody(mlp, ids[1], "{\"weightBits\": 9}"));
        assertThat(submitted.json().get("errors")).isEqualTo(paired.json().get("errors"));

        assertThat(api.get("/v1/jobs").json().get("total").longValue()).isZero();
    }

    private io.qforge.support.Http.Res check(io.qforge.support.Http api, String[] ids, String field, String json) {
        return api.unchecked().postJson("/v1/job-spec/check", jobBody(ids[0], ids[1], "{\"" + field + "\": " + json + "}"));
    }

    private static BigDecimal decimal(Object v) {
        if (v == null) return null;
        if (v instanceof JsonNode n) {
            if (n.isMissingNode() || n.isNull()) return null;
            if (!n.isNumber()) return null;
            return n.decimalValue().stripTrailingZeros();
        }
        if (v instanceof Number n) return new BigDecimal(n.toString()).stripTrailingZeros();
        return null;
    }
}
