package io.qforge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.RawHttp;
import io.qforge.support.ServiceTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Errors made outside the controllers (the servlet error page, Tomcat's own refusals) are problems too. */
class ErrorPagesTest extends ServiceTest {

    @Test
    void getErrorIsAProblemNotA500() {
        var anonymous = new Http(port, null);
        var tenant = newTenant();
        for (String accept : new String[] {"application/json", "text/html", "*/*"}) {
            for (var client : new Http[] {anonymous, tenant}) {
                var res = client.get("/error", "Accept", accept);
                assertThat(res.status()).as(accept + ": " + res.text()).isIn(401, 403, 404);
                assertThat(res.header("Content-Type")).startsWith("application/problem+json");
                assertThat(res.json().get("status").intValue()).isEqualTo(res.status());
            }
        }
        assertThat(tenant.postJson("/error", "{}").status()).isIn(401, 403, 404);
    }

    @Test
    void aHugeHeaderGetsA431Problem() throws Exception {
        try (var raw = new RawHttp(port)) {
            raw.send("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n");
            var res = raw.read(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.body()).isEqualTo(431);
            assertThat(res.header("Content-Type")).startsWith("application/problem+json");
            var problem = Http.JSON.readTree(res.body());
            assertThat(problem.get("status").intValue()).isEqualTo(431);
            assertThat(problem.get("detail").stringValue()).contains("server.max-http-request-header-size");
            assertThat(res.body()).doesNotContain("<html").doesNotContain("Tomcat");
        }
    }

    @Test
    void aMalformedRequestLineGetsA400Problem() throws Exception {
        try (var raw = new RawHttp(port)) {
            raw.send("GET /v1/models?a=<x> HTTP/1.1\r\nHost: localhost\r\n\r\n");
            var res = raw.read(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.body()).isEqualTo(400);
            assertThat(res.header("Content-Type")).startsWith("application/problem+json");
            assertThat(res.body()).doesNotContain("<html");
        }
    }
}
