package io.qforge.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qforge.support.Http;
import io.qforge.support.TestDatabase;
import io.qforge.tenants.TenantStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard end to end in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs), against the whole service with the
 * real engine and a background worker on a queue of its own: log in with a key, upload a broken
 * file (its problems shown inline), a model named with markup (shown as text) and the fixture model
 * and dataset, look at their details, see
 * the job form's pairing and range problems before submitting, start a job, follow it live to
 * SUCCEEDED at 100%, check that the report's charts are drawn with the API report's numbers, and
 * download the INT8 model through the page and compare its SHA-256 with the artifact's; cancel a
 * second job from its page.
 *
 * <p>Without Chromium the test is skipped, except under {@code CI=true}, where it fails. With
 * {@code -Dqforge.screenshots=docs/screenshots} it saves a screenshot of each page there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "qforge.workers.count=1",
        "qforge.workers.poll-interval=200ms",
        "qforge.workers.queue=ui",
        "qforge.bootstrap.create-key-when-empty=false"})
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath();
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantStore tenants;

    static ChromeDriver driver;
    static Path profile;
    static Path downloads;

    @BeforeAll
    static void startChromium() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String missing = "Chromium (" + CHROMIUM + ") and chromedriver (" + CHROMEDRIVER + ") are needed: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(missing); // CI must run this test, never skip it
            }
            Assumptions.abort(missing);
        }
        profile = Files.createTempDirectory("qforge-chromium-profile");
        downloads = Files.createTempDirectory("qforge-chromium-downloads");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloads.toString()));
    }

    @AfterAll
    static void stopChromium() throws IOException {
        if (driver != null) driver.quit();
        for (Path dir : new Path[] {profile, downloads}) {
            if (dir == null) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void logInUploadTrainFollowReportAndDownload() throws Exception {
        String key = tenants.createTenant("ui-" + UUID.randomUUID()).secret();
        Http api = new Http(port, key);
        String base = "http://localhost:" + port;

        // log in: a wrong key is refused inline, the right one is kept in sessionStorage, never in the URL
        driver.get(base + "/");
        waitFor(By.id("api-key"));
        type(By.id("api-key"), "qf_not-a-key");
        driver.findElement(By.id("login")).click();
        assertThat(waitForText(By.cssSelector("#login-result .problems"))).contains("API key");
        screenshot("login");
        type(By.id("api-key"), key);
        driver.findElement(By.id("login")).click();
        waitForPage("#/models");
        assertThat(js("return sessionStorage.getItem('qforge.apiKey')")).isEqualTo(key);
        assertThat(driver.getCurrentUrl()).doesNotContain(key);
        assertThat(driver.manage().getCookies()).isEmpty();

        // a broken model: the upload's problems inline, naming the file
        Path broken = downloads.resolveSibling("broken-" + UUID.randomUUID() + ".onnx");
        Files.write(broken, "this is not an ONNX model".getBytes());
        try {
            upload("model-upload", broken);
            String problem = waitForText(By.cssSelector("#model-upload-result .problems"));
            assertThat(problem).contains(broken.getFileName().toString());
        } finally {
            Files.delete(broken);
        }
        // a name with markup is shown as text, never parsed
        String hostile = "<img src=x onerror=\"document.body.dataset.pwned=1\"><b>bold"; // no slash: a name keeps its last path segment
        type(By.id("model-upload-name"), hostile);
        upload("model-upload", FIXTURES.resolve("mlp.onnx"));
        waitForTextContaining(By.id("models"), hostile);
        assertThat(driver.findElements(By.cssSelector("#models img, #models b, #model-upload-result img"))).isEmpty();
        assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-pwned")).isNull();
        upload("model-upload", FIXTURES.resolve("mlp.onnx"));
        waitForTextContaining(By.id("model-upload-result"), "Stored mlp.onnx");
        upload("model-upload", FIXTURES.resolve("lenet_bn.onnx"));
        waitForTextContaining(By.id("model-upload-result"), "Stored lenet_bn.onnx");
        JsonNode lenet = api.get("/v1/models?size=10").json().get("items").get(0);
        assertThat(lenet.get("name").stringValue()).isEqualTo("lenet_bn.onnx");
        waitForTextContaining(By.id("models"), "lenet_bn.onnx");
        screenshot("models");

        driver.findElement(By.linkText("lenet_bn.onnx")).click();
        waitForPage("#/models/:id");
        assertThat(waitForText(By.id("model-name"))).isEqualTo("lenet_bn.onnx");
        assertThat(driver.findElement(By.id("model-parameters")).getText().replaceAll("\\D", ""))
                .isEqualTo(Long.toString(lenet.get("parameters").longValue()));
        String ops = driver.findElement(By.id("model-ops")).getText();
        lenet.get("ops").propertyNames().forEach(op -> assertThat(ops).contains(op));
        screenshot("model");

        // the dataset, and its details
        driver.get(base + "/ui/index.html#/datasets");
        waitFor(By.id("dataset-upload-file"));
        upload("dataset-upload", FIXTURES.resolve("digits.npz"));
        waitForTextContaining(By.id("dataset-upload-result"), "Stored digits.npz");
        JsonNode digits = api.get("/v1/datasets?size=10").json().get("items").get(0);
        waitForTextContaining(By.id("datasets"), "digits.npz");
        screenshot("datasets");
        driver.findElement(By.linkText("digits.npz")).click();
        waitForPage("#/datasets/:id");
        assertThat(waitForText(By.id("dataset-classes"))).isEqualTo(Integer.toString(digits.get("classes").intValue()));
        assertThat(driver.findElement(By.id("dataset-sample-shape")).getText()).isEqualTo("[1, 8, 8]");
        assertThat(driver.findElement(By.id("dataset-arrays")).getText()).contains("x_train").contains("y_test");
        screenshot("dataset");

        // the job form: every field of GET /v1/job-spec with its default; problems before submit
        driver.get(base + "/ui/index.html#/jobs/new");
        waitFor(By.id("job-spec-fields"));
        for (JsonNode f : api.get("/v1/job-spec").json().get("fields")) {
            var input = driver.findElement(By.id("spec-" + f.get("name").stringValue()));
            String shown = "checkbox".equals(input.getAttribute("type")) ? Boolean.toString(input.isSelected())
                    : input.getAttribute("value");
            String expected = f.get("default").isString() ? f.get("default").stringValue() : f.get("default").toString();
            if (f.get("type").stringValue().equals("number")) {
                assertThat(Double.parseDouble(shown)).as(f.toString()).isEqualTo(f.get("default").doubleValue());
            } else {
                assertThat(shown).as(f.toString()).isEqualTo(expected);
            }
        }
        new Select(driver.findElement(By.id("job-model"))).selectByVisibleText("mlp.onnx (" + idOf(api, "mlp.onnx").substring(0, 8) + ")");
        type(By.id("spec-weightBits"), "9");
        assertThat(waitForText(By.id("error-spec-weightBits"))).isEqualTo("must be from 2 to 8, got 9");
        assertThat(waitForText(By.id("error-datasetId"))).contains("takes samples of shape [30]")
                .contains("has 10 classes");
        assertThat(driver.findElement(By.id("job-submit")).isEnabled()).isFalse();
        screenshot("job-form-problems");

        new Select(driver.findElement(By.id("job-model"))).selectByValue(lenet.get("id").stringValue());
        type(By.id("spec-weightBits"), "8");
        type(By.id("spec-epochs"), "2");
        type(By.id("spec-batchSize"), "32");
        waitFor(By.id("job-check-ok"));
        assertThat(driver.findElement(By.id("error-datasetId")).getText()).isEmpty();
        screenshot("job-form");
        waitUntil(Duration.ofSeconds(10), () -> driver.findElement(By.id("job-submit")).isEnabled());
        driver.findElement(By.id("job-submit")).click();

        // the job page follows the job live to SUCCEEDED
        waitForPage("#/jobs/:id");
        String job = driver.getCurrentUrl().replaceAll(".*#/jobs/", "");
        assertThat(api.get("/v1/jobs/" + job).json().get("spec").get("epochs").intValue()).isEqualTo(2);
        boolean[] seenRunning = {false}; // training, one epoch's curves drawn live
        waitUntil(JOB_TIMEOUT, () -> {
            String status = driver.findElement(By.id("job-status")).getText();
            if (!seenRunning[0] && status.equals("RUNNING") && chartData("chart-curves", 0).size() == 1) {
                seenRunning[0] = true;
                screenshot("job-running");
            }
            return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
        });
        JsonNode finished = api.get("/v1/jobs/" + job).json();
        assertThat(seenRunning[0]).as("the page showed the job RUNNING with its first epoch's curves").isTrue();
        assertThat(driver.findElement(By.id("job-status")).getText()).as(finished.toString()).isEqualTo("SUCCEEDED");
        assertThat(driver.findElement(By.id("job-percent")).getText()).isEqualTo("100.0%");
        assertThat(driver.findElement(By.id("job-progress")).getAttribute("value")).isEqualTo("100");
        JsonNode report = api.get("/v1/jobs/" + job + "/report").json();
        // both epochs' curves came through the event stream, with the report's numbers
        waitUntil(Duration.ofSeconds(10), () -> chartData("chart-curves", 3).size() == 2);
        List<Double> liveTestAccuracy = chartData("chart-curves", 3);
        for (int e = 0; e < 2; e++) {
            assertThat(liveTestAccuracy.get(e)).isCloseTo(report.get("epochs").get(e).get("test").get("accuracy").doubleValue(), within(1e-12));
        }
        assertThat(paintedPixels("chart-curves")).isGreaterThan(500);
        assertThat(driver.findElement(By.id("job-events")).getText()).contains("SUCCEEDED").contains("EPOCH").contains("PHASE");
        screenshot("job");

        // the report: every chart drawn, with the API report's numbers
        driver.findElement(By.id("job-report-link")).click();
        waitForPage("#/jobs/:id/report");
        waitFor(By.id("chart-accuracy"));
        String[] accuracies = {"fp32", "ptqFakeQuant", "ptqInt8", "qatFakeQuant", "qatInt8", "qatOrt"};
        List<Double> drawn = chartData("chart-accuracy", 0);
        assertThat(drawn).hasSize(accuracies.length);
        for (int i = 0; i < accuracies.length; i++) {
            double expected = report.get(accuracies[i]).get("accuracy").doubleValue();
            assertThat(drawn.get(i)).as(accuracies[i]).isEqualTo(expected);
            assertThat(driver.findElement(By.cssSelector("[data-accuracy='" + accuracies[i] + "']")).getText())
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.2f%%", expected * 100));
        }
        List<Double> sqnr = chartData("chart-sqnr", 0);
        assertThat(sqnr).hasSize(report.get("layers").size());
        for (int i = 0; i < sqnr.size(); i++) {
            JsonNode db = report.get("layers").get(i).get("sqnrDb");
            if (db.isNull()) assertThat(sqnr.get(i)).isNull();
            else assertThat(sqnr.get(i)).isEqualTo(db.doubleValue());
        }
        List<Double> kernels = chartData("chart-kernels", 0);
        assertThat(kernels.stream().mapToDouble(Double::doubleValue).sum())
                .isEqualTo(report.get("ortKernels").propertyStream().mapToInt(e -> e.getValue().intValue()).sum());
        var kernelNames = new ArrayList<String>();
        report.get("ortKernels").propertyNames().forEach(kernelNames::add);
        assertThat(chartLabels("chart-kernels")).containsExactlyInAnyOrderElementsOf(kernelNames)
                .anyMatch(k -> k.startsWith("QLinearConv"));
        List<Double> sizes = chartData("chart-sizes", 0);
        assertThat(sizes.get(0) * 1024).isCloseTo(report.get("sizes").get("fp32Bytes").doubleValue(), within(1e-6));
        assertThat(sizes.get(1) * 1024).isCloseTo(report.get("sizes").get("int8Bytes").doubleValue(), within(1e-6));
        assertThat(chartData("chart-epochs", 0)).hasSize(2);
        for (String chart : List.of("chart-accuracy", "chart-sqnr", "chart-kernels", "chart-sizes", "chart-epochs")) {
            assertThat(paintedPixels(chart)).as(chart).isGreaterThan(500);
        }
        screenshotFull("report");

        // the INT8 model, downloaded through the page, is the artifact byte for byte
        JsonNode artifact = null;
        for (JsonNode a : api.get("/v1/jobs/" + job + "/artifacts").json()) {
            if (a.get("name").stringValue().equals("model.int8.onnx")) artifact = a;
        }
        assertThat(artifact).isNotNull();
        driver.findElement(By.cssSelector("button[data-download='model.int8.onnx']")).click();
        Path file = downloads.resolve("model.int8.onnx");
        waitUntil(Duration.ofSeconds(60), () -> Files.exists(file) && !Files.exists(downloads.resolve("model.int8.onnx.crdownload"))
                && size(file) == artifactSize(api, job));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertThat(sha).isEqualTo(artifact.get("sha256").stringValue());
        waitForTextContaining(By.id("download-result"), "Downloaded model.int8.onnx");

        // cancel from the job page (the button asks first)
        String second = api.postJson("/v1/jobs", "{\"modelId\":\"" + lenet.get("id").stringValue() + "\",\"datasetId\":\""
                + digits.get("id").stringValue() + "\",\"spec\":{\"epochs\":50,\"batchSize\":32}}").json().get("id").stringValue();
        driver.get(base + "/ui/index.html#/jobs/" + second);
        wait(Duration.ofSeconds(30)).until(d -> { // re-found if the page rebuilt it (QUEUED -> RUNNING) meanwhile
            d.findElement(By.id("job-cancel")).click();
            return true;
        });
        driver.switchTo().alert().accept();
        waitUntil(Duration.ofMinutes(2), () -> driver.findElement(By.id("job-status")).getText().equals("CANCELLED"));
        assertThat(api.get("/v1/jobs/" + second).json().get("status").stringValue()).isEqualTo("CANCELLED");
        assertThat(driver.findElements(By.id("job-cancel"))).isEmpty();

        // the jobs list shows it; the console saw no CSP violation and no script error
        driver.get(base + "/ui/index.html#/jobs");
        waitForTextContaining(By.id("jobs"), job.substring(0, 8));
        assertThat(driver.findElement(By.id("jobs")).getText()).contains("SUCCEEDED");
        screenshot("jobs");
        var problems = new ArrayList<String>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            // the answers to this test's deliberate mistakes: the wrong key (401), the broken upload and
            // the form's checks of a bad spec and pairing (422)
            boolean deliberate = e.getMessage().matches(".*Failed to load resource: the server responded with a status of (401|422).*");
            if (e.getLevel().intValue() >= Level.WARNING.intValue() && !deliberate) problems.add(e.getMessage());
            assertThat(e.getMessage()).doesNotContain("Content Security Policy");
        }
        assertThat(problems).as("browser console").isEmpty();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long artifactSize(Http api, String job) {
        for (JsonNode a : api.get("/v1/jobs/" + job + "/artifacts").json()) {
            if (a.get("name").stringValue().equals("model.int8.onnx")) return a.get("size").longValue();
        }
        return -2;
    }

    private static String idOf(Http api, String modelName) {
        for (JsonNode m : api.get("/v1/models?size=10").json().get("items")) {
            if (m.get("name").stringValue().equals(modelName)) return m.get("id").stringValue();
        }
        throw new AssertionError("no model " + modelName);
    }

    private static void upload(String form, Path file) {
        driver.findElement(By.id(form + "-file")).sendKeys(file.toString());
        driver.findElement(By.id(form + "-submit")).click();
    }

    private static void type(By by, String text) {
        WebElement el = driver.findElement(by);
        el.clear();
        el.sendKeys(text);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A Chart.js chart's dataset values, read from the chart instance the page drew. */
    @SuppressWarnings("unchecked")
    private static List<Double> chartData(String canvasId, int dataset) {
        var raw = (List<Object>) js("const c = Chart.getChart(arguments[0]); return c ? c.data.datasets[arguments[1]].data : null;",
                canvasId, dataset);
        assertThat(raw).as("chart " + canvasId).isNotNull();
        var out = new ArrayList<Double>();
        for (Object o : raw) out.add(o == null ? null : ((Number) o).doubleValue());
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> chartLabels(String canvasId) {
        return (List<String>) js("return Chart.getChart(arguments[0]).data.labels;", canvasId);
    }

    /** Pixels of the canvas that are not fully transparent: the chart was really painted. */
    private static long paintedPixels(String canvasId) {
        return ((Number) js("const c = document.getElementById(arguments[0]);"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++; return n;", canvasId)).longValue();
    }

    private static void waitForPage(String page) {
        waitUntil(Duration.ofSeconds(30), () -> page.equals(driver.findElement(By.tagName("body")).getDomAttribute("data-page")));
    }

    private static WebElement waitFor(By by) {
        return wait(Duration.ofSeconds(30)).until(d -> {
            var found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private static String waitForText(By by) {
        return wait(Duration.ofSeconds(30)).until(d -> {
            var found = d.findElements(by);
            return found.isEmpty() || found.get(0).getText().isBlank() ? null : found.get(0).getText();
        });
    }

    private static void waitForTextContaining(By by, String text) {
        waitUntil(Duration.ofSeconds(30), () -> {
            var found = driver.findElements(by);
            return !found.isEmpty() && found.get(0).getText().contains(text);
        });
    }

    private static void waitUntil(Duration timeout, java.util.function.BooleanSupplier condition) {
        wait(timeout).until(d -> condition.getAsBoolean());
    }

    /** Polls every 200 ms; an element the page re-rendered meanwhile (stale) is looked up again at the next poll. */
    private static WebDriverWait wait(Duration timeout) {
        var wait = new WebDriverWait(driver, timeout, Duration.ofMillis(200));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Saves the window as docs/screenshots/NAME.png when -Dqforge.screenshots=DIR is set. */
    private static void screenshot(String name) {
        String dir = System.getProperty("qforge.screenshots");
        if (dir == null || dir.isBlank()) return;
        try {
            Path out = Path.of(dir).resolve(name + ".png");
            Files.createDirectories(out.getParent());
            Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The whole page: the window is made as tall as the document for the shot. */
    private static void screenshotFull(String name) {
        if (System.getProperty("qforge.screenshots") == null) return;
        var before = driver.manage().window().getSize();
        long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(height + 120, 6000)));
        try {
            Thread.sleep(500); // Chart.js redraws on resize
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        screenshot(name);
        driver.manage().window().setSize(before);
    }
}
