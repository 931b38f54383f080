package io.qforge.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tiny HTTP client for tests against the real port, authenticated with one bearer token. */
public final class Http {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;

    public Http(int port, String token) {
        this.base = "http://localhost:" + port;
        this.token = token;
    }

    public Http as(String otherToken) {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherToken);
    }

    public record Res(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public String text() { return new String(body, StandardCharsets.UTF_8); }
        public JsonNode json() { return JSON.readTree(body); }
        public String header(String name) { return headers.firstValue(name).orElse(null); }
    }

    public Res get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    public Res delete(String path) {
        return send(request(path).DELETE());
    }

    public Res postJson(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** multipart/form-data with one file part named "file". */
    public Res upload(String path, String filename, byte[] content) {
        String boundary = "qforge-" + UUID.randomUUID();
        var out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    private HttpRequest.Builder request(String path, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    private static Res send(HttpRequest.Builder b) {
        try {
            var r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Res(r.statusCode(), r.headers(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
