package io.qforge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.config.QforgeProperties;
import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Per-tenant rate limit with the default settings: with the test clock standing still nothing
 * refills, so exactly {@code qforge.limits.burst} requests pass and the rest get 429 with
 * {@code Retry-After}; other tenants are not affected; time refills the bucket.
 */
class RateLimitApiTest extends ServiceTest {
    @Autowired
    QforgeProperties props;

    @Test
    void aTenantOverItsRateGets429WithRetryAfter() throws Exception {
        var api = newTenant();
        long burst = props.getLimits().getBurst();
        String path = "/v1/jobs/" + UUID.randomUUID(); // 404: authenticated and counted, cheap
        int extra = 20;
        var calls = new ArrayList<Callable<Http.Res>>();
        for (int i = 0; i < burst + extra; i++) calls.add(() -> api.get(path));
        var pool = Executors.newFixedThreadPool(8);
        int passed = 0;
        int limited = 0;
        Http.Res sample = null;
        try {
            for (var f : pool.invokeAll(calls)) {
                var res = f.get();
                if (res.status() == 429) {
                    limited++;
                    sample = res;
                } else {
                    assertThat(res.status()).isEqualTo(404);
                    passed++;
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(passed).isEqualTo(burst);
        assertThat(limited).isEqualTo(extra);
        assertThat(sample.header("Content-Type")).startsWith("application/problem+json");
        assertThat(sample.header("Retry-After")).isEqualTo("1"); // one token comes back within 1/rate s
        var problem = sample.json();
        assertThat(problem.get("status").intValue()).isEqualTo(429);
        assertThat(problem.get("type").stringValue()).isEqualTo("https://qforge.io/problems/rate-limited");
        assertThat(problem.get("detail").stringValue()).contains("qforge.limits.requests-per-second");

        assertThat(newTenant().get(path).status()).isEqualTo(404); // another tenant has its own bucket
        clock.advance(Duration.ofSeconds(1));
        assertThat(api.get(path).status()).isEqualTo(404); // refilled
    }

    /** The limit is on every tenant route, uploads included (refused before the body is read). */
    @Test
    void everyTenantRouteAnswers429OverTheRate() {
        long burst = props.getLimits().getBurst();
        props.getLimits().setBurst(2);
        Http api;
        try {
            api = newTenant();
            String missing = "/v1/jobs/" + UUID.randomUUID();
            assertThat(api.get(missing).status()).isEqualTo(404); // creates the tenant's bucket with burst 2
            assertThat(api.get(missing).status()).isEqualTo(404);
        } finally {
            props.getLimits().setBurst(burst);
        }
        String id = UUID.randomUUID().toString();
        var answers = new ArrayList<Http.Res>();
        answers.add(api.upload("/v1/models", "m.onnx", new byte[100]));
        answers.add(api.upload("/v1/datasets", "d.npz", new byte[100]));
        for (String kind : new String[] {"models", "datasets"}) {
            answers.add(api.get("/v1/" + kind));
            answers.add(api.get("/v1/" + kind + "/" + id));
            answers.add(api.delete("/v1/" + kind + "/" + id));
        }
        answers.add(api.get("/v1/jobs"));
        answers.add(api.get("/v1/jobs/" + id));
        answers.add(api.delete("/v1/jobs/" + id));
        answers.add(api.unchecked().postJson("/v1/jobs", "{}"));
        answers.add(api.get("/v1/job-spec"));
        answers.add(api.unchecked().postJson("/v1/job-spec/check", "{}"));
        for (String sub : new String[] {"events", "report", "artifacts", "artifacts/model.int8.onnx"}) {
            answers.add(api.get("/v1/jobs/" + id + "/" + sub));
        }
        assertThat(answers).allSatisfy(res -> {
            assertThat(res.status()).isEqualTo(429);
            assertThat(res.header("Retry-After")).isNotNull();
        });
    }
}
