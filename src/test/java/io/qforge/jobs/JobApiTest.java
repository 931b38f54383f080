package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.Npz;
import io.qforge.support.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Job submission over HTTP: spec validation (one entry per field), pairing, idempotency, list, cancel. */
class JobApiTest extends ServiceTest {

    @Test
    void submitQueuesTheJobWithDefaultsFilledIn() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        var res = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 2, \"weightBits\": 4}"));
        assertThat(res.status()).as(res.text()).isEqualTo(202);
        var job = res.json();
        assertThat(res.header("Location")).isEqualTo("/v1/jobs/" + job.get("id").stringValue());
        assertThat(job.get("status").stringValue()).isEqualTo("QUEUED");
        assertThat(job.get("percent").doubleValue()).isZero();
        var spec = job.get("spec");
        assertThat(spec.get("weightBits").intValue()).isEqualTo(4);
        assertThat(spec.get("epochs").intValue()).isEqualTo(2);
        assertThat(spec.get("activationBits").intValue()).isEqualTo(8);
        assertThat(spec.get("observer").stringValue()).isEqualTo("MOVING_AVERAGE_MIN_MAX");
        assertThat(spec.get("optimizer").stringValue()).isEqualTo("ADAM");
        assertThat(job.get("totalEpochs").intValue()).isEqualTo(2);
    }

    @Test
    void everyBadSpecFieldIsOneErrorWithFieldValueAndAllowedRange() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        var res = api.unchecked().postJson("/v1/jobs", jobBody(ids[0], ids[1],
                "{\"weightBits\": 9, \"observer\": \"MINMAX\", \"learningRate\": \"fast\", \"epoch\": 3,"
                        + " \"batchSize\": 0, \"learnedRanges\": \"yes\"}"));
        assertThat(res.status()).isEqualTo(422);
        var errors = byField(res.json());
        assertThat(errors).hasSize(6);
        assertThat(errors).contains(
                "spec.weightBits: must be from 2 to 8, got 9",
                "spec.observer: must be one of MIN_MAX, MOVING_AVERAGE_MIN_MAX, PERCENTILE, MSE (did you mean 'MIN_MAX'?)",
                "spec.learningRate: must be a number (0 < learningRate <= 10)",
                "spec.epoch: is not a job spec field (did you mean 'epochs'?)",
                "spec.batchSize: must be from 1 to 65536, got 0",
                "spec.learnedRanges: must be true or false");
        assertThat(res.json().get("errors").get(0).has("rejectedValue")).isTrue();
    }

    @Test
    void missingAndUnknownModelOrDatasetAre422() {
        var api = newTenant();
        var res = api.unchecked().postJson("/v1/jobs", "{\"datasetId\": \"nope\", \"spec\": {}}");
        assertThat(res.status()).isEqualTo(422);
        assertThat(byField(res.json())).containsExactlyInAnyOrder("modelId: is required", "datasetId: must be a UUID");
        var other = newTenant();
        var ids = lenetAndDigits(other); // another tenant's: must look absent
        var res2 = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{}"));
        assertThat(byField(res2.json())).containsExactlyInAnyOrder(
                "modelId: model " + ids[0] + " does not exist", "datasetId: dataset " + ids[1] + " does not exist");
        assertThat(api.unchecked().postJson("/v1/jobs", "[1,2]").status()).isEqualTo(422);
        assertThat(api.unchecked().postJson("/v1/jobs", "{not json").status()).isEqualTo(400);
    }

    @Test
    void modelAndDatasetMustFitTogether() throws Exception {
        var api = newTenant();
        String mlp = api.upload("/v1/models", "mlp.onnx", fixture("mlp.onnx")).json().get("id").stringValue();
        String digits = api.upload("/v1/datasets", "digits.npz", fixture("digits.npz")).json().get("id").stringValue();
        var shape = api.postJson("/v1/jobs", jobBody(mlp, digits, "{}"));
        assertThat(shape.status()).isEqualTo(422);
        assertThat(byField(shape.json())).containsExactly(
                "datasetId: the model input 'input' takes samples of shape [30] but the dataset's samples have shape [1, 8, 8]",
                "datasetId: the dataset has 10 classes (labels 0..9) but the model output 'logits' has 2");

        byte[] fiveClasses = new Npz().floats("x_train", new long[] {5, 30}).labels("y_train", 0, 1, 2, 3, 4)
                .floats("x_test", new long[] {2, 30}).labels("y_test", 0, 4).bytes();
        String five = api.upload("/v1/datasets", "five.npz", fiveClasses).json().get("id").stringValue();
        var classes = api.postJson("/v1/jobs", jobBody(mlp, five, "{}"));
        assertThat(byField(classes.json())).containsExactly(
                "datasetId: the dataset has 5 classes (labels 0..4) but the model output 'logits' has 2");
    }

    @Test
    void idempotencyKeyReturnsTheSameJobAndRejectsADifferentBody() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String body = jobBody(ids[0], ids[1], "{\"epochs\": 1}");
        var first = api.postJson("/v1/jobs", body, "Idempotency-Key", "k-1");
        var again = api.postJson("/v1/jobs", body, "Idempotency-Key", "k-1");
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(api.get("/v1/jobs").json().get("total").longValue()).isEqualTo(1);
        var changed = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\": 2}"), "Idempotency-Key", "k-1");
        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.json().get("detail").stringValue()).contains("k-1").contains("different request body");
    }

    @Test
    void listFiltersByStatusAndPages() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        var created = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            clock.advance(java.time.Duration.ofSeconds(1));
            created.add(api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{}")).json().get("id").stringValue());
        }
        assertThat(api.delete("/v1/jobs/" + created.get(0)).status()).isEqualTo(200);
        var queued = api.get("/v1/jobs?status=QUEUED&page=0&size=1").json();
        assertThat(queued.get("total").longValue()).isEqualTo(2);
        assertThat(queued.get("items")).hasSize(1);
        assertThat(queued.get("items").get(0).get("id").stringValue()).isEqualTo(created.get(2)); // newest first
        var page2 = api.get("/v1/jobs?status=QUEUED&page=1&size=1").json();
        assertThat(page2.get("items").get(0).get("id").stringValue()).isEqualTo(created.get(1));
        var cancelled = api.get("/v1/jobs?status=CANCELLED").json();
        assertThat(cancelled.get("items").get(0).get("id").stringValue()).isEqualTo(created.get(0));
        assertThat(api.unchecked().get("/v1/jobs?status=DONE").status()).isEqualTo(400);
    }

    @Test
    void cancellingAQueuedJobIsImmediateAndTwiceIsAConflict() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String id = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{}")).json().get("id").stringValue();
        var res = api.delete("/v1/jobs/" + id);
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("status").stringValue()).isEqualTo("CANCELLED");
        var again = api.delete("/v1/jobs/" + id);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").stringValue()).isEqualTo("Job " + id + " is already CANCELLED; it cannot be cancelled");
        // a worker never picks it up
        assertThat(workers.runOnce(isolate(id), "w-test")).isFalse();
    }

    @Test
    void jobsOfAnotherTenantAre404() {
        var owner = newTenant();
        var ids = lenetAndDigits(owner);
        String id = owner.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{}")).json().get("id").stringValue();
        Http other = newTenant();
        for (String path : List.of("", "/events", "/report", "/artifacts", "/artifacts/model.int8.onnx")) {
            assertThat(other.get("/v1/jobs/" + id + path).status()).as(path).isEqualTo(404);
        }
        assertThat(other.delete("/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(other.get("/v1/jobs").json().get("total").longValue()).isZero();
        assertThat(owner.get("/v1/jobs/" + id).status()).isEqualTo(200);
    }

    @Test
    void aModelUsedByAJobCannotBeDeleted() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{}"));
        var res = api.delete("/v1/models/" + ids[0]);
        assertThat(res.status()).isEqualTo(409);
        assertThat(api.delete("/v1/datasets/" + ids[1]).status()).isEqualTo(409);
    }

    static List<String> byField(JsonNode problem) {
        var out = new ArrayList<String>();
        for (JsonNode e : problem.get("errors")) {
            out.add(e.get("field").stringValue() + ": " + e.get("message").stringValue());
        }
        return out;
    }
}
