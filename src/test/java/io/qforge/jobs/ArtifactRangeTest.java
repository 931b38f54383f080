package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.ScriptedEngine;
import io.qforge.support.ServiceTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Range headers whose numbers do not fit a long: never a 500. */
class ArtifactRangeTest extends ServiceTest {

    @Test
    void rangeNumbersBeyondALongAre416OrTheWholeFile() {
        var api = newTenant();
        var ids = lenetAndDigits(api);
        String id = api.postJson("/v1/jobs", jobBody(ids[0], ids[1], "{\"epochs\":1}")).json().get("id").stringValue();
        assertThat(workers.runOnce(isolate(id), "w-range")).isTrue();
        String href = "/v1/jobs/" + id + "/artifacts/model.int8.onnx";
        byte[] expected = ScriptedEngine.modelBytes(UUID.fromString(id));

        var huge = api.get(href, "Range", "bytes=99999999999999999999-");
        assertThat(huge.status()).as(huge.text()).isEqualTo(416);
        assertThat(huge.header("Content-Type")).startsWith("application/problem+json");
        assertThat(huge.header("Content-Range")).isEqualTo("bytes */" + expected.length);

        var toTheEnd = api.get(href, "Range", "bytes=10-99999999999999999999");
        assertThat(toTheEnd.status()).isEqualTo(206);
        assertThat(toTheEnd.header("Content-Range")).isEqualTo("bytes 10-" + (expected.length - 1) + "/" + expected.length);
        assertThat(toTheEnd.body()).hasSize(expected.length - 10);

        var hugeSuffix = api.get(href, "Range", "bytes=-99999999999999999999");
        assertThat(hugeSuffix.status()).isEqualTo(206);
        assertThat(hugeSuffix.body()).isEqualTo(expected);
    }
}
