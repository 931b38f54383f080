package io.qforge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.ServiceTest;
import java.util.Arrays;
import java.util.HexFormat;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** Models and datasets over HTTP: upload, summary, list, get, delete, limits and every error. */
class UploadApiTest extends ServiceTest {

    @Test
    void uploadsAModelAndReturnsItsSummaryAndHash() throws Exception {
        var api = newTenant();
        byte[] onnx = fixture("lenet_bn.onnx");
        var res = api.upload("/v1/models", "lenet_bn.onnx", onnx);
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        var body = res.json();
        assertThat(res.header("Location")).isEqualTo("/v1/models/" + body.get("id").stringValue());
        assertThat(body.get("name").stringValue()).isEqualTo("lenet_bn.onnx");
        assertThat(body.get("size").longValue()).isEqualTo(onnx.length);
        assertThat(body.get("sha256").stringValue())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));
        assertThat(body.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,1,8,8]");

        var got = api.get("/v1/models/" + body.get("id").stringValue());
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("sha256")).isEqualTo(body.get("sha256"));
        var list = api.get("/v1/models?page=0&size=10").json();
        assertThat(list.get("total").longValue()).isEqualTo(1);
        assertThat(list.get("items").get(0).get("id")).isEqualTo(body.get("id"));
    }

    @Test
    void malformedModelIs422ListingTheProblem() {
        var res = newTenant().upload("/v1/models", "junk.onnx", "definitely not protobuf".getBytes());
        assertThat(res.status()).isEqualTo(422);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        var p = res.json();
        assertThat(p.get("status").intValue()).isEqualTo(422);
        assertThat(p.get("errors").get(0).get("field").stringValue()).isEqualTo("file");
        assertThat(res.text()).doesNotContain("at io.qforge").doesNotContain("Exception");
    }

    @Test
    void unsupportedOpsAre422WithOneEntryPerProblem() throws Exception {
        byte[] onnx;
        try (var in = getClass().getResourceAsStream("/service/unsupported_ops.onnx")) {
            onnx = in.readAllBytes();
        }
        var res = newTenant().upload("/v1/models", "u.onnx", onnx);
        assertThat(res.status()).isEqualTo(422);
        var errors = new java.util.ArrayList<String>();
        res.json().get("errors").forEach(e -> errors.add(e.get("field").stringValue() + " | " + e.get("message").stringValue()));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("node:einsum_0 | ").contains("Einsum"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("node:topk_0 | ").contains("TopK"));
    }

    @Test
    void datasetProblemsNameTheArray() throws Exception {
        var api = newTenant();
        byte[] missing = new io.qforge.support.Npz().floats("x_train", new long[] {4, 3}).labels("y_train", 0, 1, 0, 1)
                .floats("x_test", new long[] {2, 3}).bytes();
        var res = api.upload("/v1/datasets", "m.npz", missing);
        assertThat(res.status()).isEqualTo(422);
        assertThat(res.json().get("errors").get(0).get("field").stringValue()).isEqualTo("y_test");

        byte[] mismatched = new io.qforge.support.Npz().floats("x_train", new long[] {4, 3}).labels("y_train", 0, 1, 0)
                .floats("x_test", new long[] {2, 5}).labels("y_test", 0, -1).bytes();
        var bad = api.upload("/v1/datasets", "b.npz", mismatched);
        assertThat(bad.status()).isEqualTo(422);
        var fields = new java.util.ArrayList<String>();
        bad.json().get("errors").forEach(e -> fields.add(e.get("field").stringValue() + ": " + e.get("message").stringValue()));
        assertThat(fields).containsExactlyInAnyOrder(
                "y_train: y_train has 3 labels but x_train has 4 samples",
                "x_test: x_test samples have shape [5] but x_train samples have shape [3]",
                "y_test: y_test has a negative label (-1); labels are 0..classes-1");
    }

    @Test
    void tooLargeModelIs413() {
        byte[] big = new byte[1024 * 1024 + 1];
        Arrays.fill(big, (byte) 7);
        var res = newTenant().upload("/v1/models", "big.onnx", big);
        assertThat(res.status()).isEqualTo(413);
        assertThat(res.json().get("detail").stringValue()).contains("1048576");
    }

    @Test
    void uploadAboveTheContainerLimitIs413Too() {
        byte[] huge = new byte[5 * 1024 * 1024];
        var res = newTenant().upload("/v1/datasets", "huge.npz", huge);
        assertThat(res.status()).isEqualTo(413);
        assertThat(res.json().get("type").stringValue()).endsWith("/too-large");
    }

    @Test
    void uploadsADatasetAndChecksIt() {
        var api = newTenant();
        var res = api.upload("/v1/datasets", "digits.npz", fixture("digits.npz"));
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        var d = res.json();
        assertThat(d.get("sampleShape").toString()).isEqualTo("[1,8,8]");
        assertThat(d.get("classes").intValue()).isEqualTo(10);
        assertThat(d.get("trainSamples").longValue()).isEqualTo(1437);
        assertThat(d.get("testSamples").longValue()).isEqualTo(360);

        var bad = api.upload("/v1/datasets", "x.npz", "not a zip".getBytes());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("errors").get(0).get("field").stringValue()).isEqualTo("file");
    }

    @Test
    void deleteRemovesAndThenIs404() {
        var api = newTenant();
        String id = api.upload("/v1/models", "m.onnx", fixture("mlp.onnx")).json().get("id").stringValue();
        assertThat(api.delete("/v1/models/" + id).status()).isEqualTo(204);
        assertThat(api.get("/v1/models/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/v1/models/" + id).status()).isEqualTo(404);
    }

    @Test
    void anotherTenantGets404ForEverything() {
        var owner = newTenant();
        var other = newTenant();
        String model = owner.upload("/v1/models", "m.onnx", fixture("mlp.onnx")).json().get("id").stringValue();
        String data = owner.upload("/v1/datasets", "d.npz", fixture("breast_cancer.npz")).json().get("id").stringValue();
        assertThat(other.get("/v1/models/" + model).status()).isEqualTo(404);
        assertThat(other.delete("/v1/models/" + model).status()).isEqualTo(404);
        assertThat(other.get("/v1/datasets/" + data).status()).isEqualTo(404);
        assertThat(other.delete("/v1/datasets/" + data).status()).isEqualTo(404);
        assertThat(other.get("/v1/models").json().get("total").longValue()).isZero();
        assertThat(owner.get("/v1/models/" + model).status()).isEqualTo(200);
    }

    @Test
    void missingOrWrongKeyIs401ProblemBeforeTheUploadIsRead() {
        var anonymous = newTenant().as(null).unchecked();
        var res = anonymous.upload("/v1/models", "m.onnx", fixture("mlp.onnx"));
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(res.json().get("title").stringValue()).isEqualTo("Unauthorized");
        assertThat(newTenant().as("qf_wrong").get("/v1/models").status()).isEqualTo(401);
    }

    @Test
    void badIdsAndPagingAre400AndUnknownIs404() {
        var api = newTenant();
        var invalid = api.unchecked(); // requests the contract does not allow, on purpose
        assertThat(invalid.get("/v1/models/not-a-uuid").status()).isEqualTo(400);
        assertThat(invalid.get("/v1/models?size=0").status()).isEqualTo(400);
        var missing = api.get("/v1/datasets/00000000-0000-0000-0000-000000000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").stringValue()).contains("00000000-0000-0000-0000-000000000000");
        assertThat(missing.json().get("instance").stringValue()).isEqualTo("/v1/datasets/00000000-0000-0000-0000-000000000000");
    }
}
