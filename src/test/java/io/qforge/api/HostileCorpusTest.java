package io.qforge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import io.qforge.corpus.HostileCorpus;
import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Uploads every file of the {@link HostileCorpus} to the running service: each gets its status
 * (422 problem+json of type validation naming the uploaded file and the array/node/file field that
 * is wrong; the two controls 201), the service stays healthy after each, the model and dataset
 * uploaded before are unchanged (same sha256 listed and stored), no spooled upload is left in the
 * temp dir, and nothing appears where external-data, {@code ..}, absolute or symlink entries point.
 */
class HostileCorpusTest extends ServiceTest {
    private static final String VALIDATION = "https://qforge.io/problems/validation";

    @Autowired
    QforgeProperties props;

    @Test
    void everyHostileUploadIsRejectedAtTheDoorAndHarmsNothing(@TempDir Path canaryDir) throws IOException {
        Http api = newTenant();
        String[] ids = lenetAndDigits(api);
        String modelSha = api.get("/v1/models/" + ids[0]).json().get("sha256").stringValue();
        String dataSha = api.get("/v1/datasets/" + ids[1]).json().get("sha256").stringValue();
        Path tmp = props.getUploads().getTempDir();
        List<String> spooledBefore = spooled(tmp);

        var soft = new SoftAssertions();
        List<HostileCorpus.Case> cases = HostileCorpus.cases(canaryDir);
        assertThat(cases).hasSizeGreaterThan(30);
        for (HostileCorpus.Case c : cases) {
            String uploadName = "hostile-" + c.file();
            Http.Res res = api.upload(c.endpoint(), uploadName, c.bytes());
            soft.assertThat(res.status()).as(c + ": status (body " + res.text() + ")").isEqualTo(c.status());
            if (c.status() == 422) {
                soft.assertThat(res.header("Content-Type")).as(c + ": content type").startsWith("application/problem+json");
                JsonNode p = res.json();
                soft.assertThat(p.path("type").asString()).as(c + ": problem type").isEqualTo(VALIDATION);
                String detail = p.path("detail").asString();
                soft.assertThat(detail).as(c + ": detail names the upload").contains("'" + uploadName + "'");
                soft.assertThat(detail).as(c + ": no server path").doesNotContain("qforge-upload-");
                List<String> errors = new ArrayList<>();
                p.path("errors").forEach(e -> errors.add(e.path("field").asString() + " | " + e.path("message").asString()));
                soft.assertThat(errors).as(c + ": errors").anySatisfy(e -> {
                    assertThat(e).startsWith(c.field() + " | ");
                    assertThat(e).contains(c.says());
                });
            }
            soft.assertThat(api.get("/actuator/health").status()).as(c + ": health after").isEqualTo(200);
        }
        soft.assertAll();

        assertThat(api.get("/v1/models/" + ids[0]).json().get("sha256").stringValue()).isEqualTo(modelSha);
        assertThat(api.get("/v1/datasets/" + ids[1]).json().get("sha256").stringValue()).isEqualTo(dataSha);
        assertThat(storedSha("models", ids[0])).isEqualTo(modelSha);
        assertThat(storedSha("datasets", ids[1])).isEqualTo(dataSha);
        assertThat(api.get("/v1/models").json().get("total").asLong()).as("the control model only").isEqualTo(2);
        assertThat(api.get("/v1/datasets").json().get("total").asLong()).as("the control dataset only").isEqualTo(2);
        try (Stream<Path> files = Files.list(canaryDir)) {
            assertThat(files).as("nothing created where hostile entries point").isEmpty();
        }
        assertThat(leftovers(tmp, spooledBefore)).as("no spooled upload left behind").isEmpty();
    }

    /**
     * Spooled files that were not there before. The temp dir is shared with other processes on the
     * machine (other test runs spool there too), so a new file counts only if it is still there
     * after a few seconds: a rejected upload's spool file is deleted before its response is sent.
     */
    private static List<String> leftovers(Path tmp, List<String> before) throws IOException {
        List<String> left = List.of();
        for (int i = 0; i < 50; i++) {
            left = spooled(tmp).stream().filter(f -> !before.contains(f)).toList();
            if (left.isEmpty()) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return left;
    }

    private String storedSha(String table, String id) {
        return jdbc.sql("SELECT encode(sha256(b.data), 'hex') FROM " + table + " t JOIN blobs b ON b.id = t.blob_id"
                + " WHERE t.id = ?::uuid").param(id).query(String.class).single();
    }

    private static List<String> spooled(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("qforge-upload-")).toList();
        }
    }
}
