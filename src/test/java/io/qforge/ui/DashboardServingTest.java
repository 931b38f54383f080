package io.qforge.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * How the dashboard is served (its behaviour in a browser is {@link DashboardBrowserTest}): its static
 * files and Chart.js are public for GET with a strict Content-Security-Policy, anything else on those
 * paths stays closed, the API behind them still needs a key, and its sources keep the rules the CSP
 * and the escaping depend on (no inline script or style, no HTML built from strings).
 */
class DashboardServingTest extends ServiceTest {
    private static final Path UI = Path.of("src/main/resources/static/ui");

    @Test
    void thePageAndChartJsArePublicWithAStrictContentSecurityPolicy() {
        var anonymous = new Http(port, null);
        var page = anonymous.get("/ui/index.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        String csp = page.header("Content-Security-Policy");
        assertThat(csp).isEqualTo(Dashboard.CONTENT_SECURITY_POLICY).contains("script-src 'self'")
                .contains("default-src 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");

        var script = anonymous.get("/ui/js/app.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).startsWith("text/javascript");
        var chart = anonymous.get("/webjars/chart.js/dist/chart.umd.min.js");
        assertThat(chart.status()).isEqualTo(200);
        assertThat(chart.text()).contains("Chart.js v4.");

        for (String entry : List.of("/", "/ui", "/ui/")) {
            var redirect = anonymous.get(entry);
            assertThat(redirect.status()).as(entry).isEqualTo(302);
            assertThat(redirect.header("Location")).as(entry).endsWith("/ui/index.html");
        }
    }

    @Test
    void onlyGetIsOpenAndTheApiStillNeedsAKey() {
        var anonymous = new Http(port, null).unchecked();
        assertThat(anonymous.postJson("/ui/index.html", "{}").status()).isIn(401, 403);
        assertThat(anonymous.delete("/ui/index.html").status()).isIn(401, 403);
        assertThat(anonymous.get("/webjars/swagger-ui/index.html").status()).isIn(401, 403);
        assertThat(anonymous.get("/ui-not-the-dashboard").status()).isIn(401, 403);
        assertThat(anonymous.get("/v1/job-spec").status()).isEqualTo(401);
        assertThat(anonymous.get("/v1/models").status()).isEqualTo(401);
    }

    @Test
    void theSourcesHaveNoInlineScriptOrStyleAndBuildNoHtmlFromStrings() throws IOException {
        String html = Files.readString(UI.resolve("index.html"));
        var scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).as("a script tag loads a file").contains("src=");
            assertThat(scripts.group(2)).as("no inline script").isBlank();
        }
        assertThat(count).isEqualTo(2);
        assertThat(html).doesNotContain("<style").doesNotContain("style=").doesNotContainPattern(" on[a-z]+=");
        try (Stream<Path> files = Files.walk(UI)) {
            var js = files.filter(p -> p.toString().endsWith(".js")).toList();
            assertThat(js).hasSizeGreaterThan(5);
            for (Path p : js) {
                String src = Files.readString(p);
                assertThat(src).as(p.toString()).doesNotContain("innerHTML").doesNotContain("outerHTML")
                        .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(")
                        .doesNotContain("localStorage").doesNotContain("setAttribute('style'");
            }
        }
    }
}
