package io.qforge.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tiny HTTP client for tests against the real port, authenticated with one bearer token. Every
 * {@code /v1} request and response it makes is checked against {@code openapi.yaml}
 * ({@link OpenApiContract}): a violation fails the test that made the request.
 * {@link #unchecked()} is for tests that send deliberately undocumented or hostile requests.
 */
public final class Http {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final boolean checkRequests;
    private final List<String> extraHeaders;

    public Http(int port, String token) {
        this("http://localhost:" + port, token, true, List.of());
    }

    private Http(String base, String token, boolean checkRequests, List<String> extraHeaders) {
        this.base = base;
        this.token = token;
        this.checkRequests = checkRequests;
        this.extraHeaders = extraHeaders;
    }

    public Http as(String otherToken) {
        return new Http(base, otherToken, checkRequests, extraHeaders);
    }

    /** The same client sending one more header on every request. */
    public Http with(String header, String value) {
        var headers = new ArrayList<>(extraHeaders);
        headers.add(header);
        headers.add(value);
        return new Http(base, token, checkRequests, List.copyOf(headers));
    }

    /**
     * The same client for requests the contract does not allow on purpose (a missing key, a bad
     * id or parameter, an unknown field, a hostile path): the request is not validated; the
     * response still is whenever the request names a documented operation in canonical spelling.
     */
    public Http unchecked() {
        return new Http(base, token, false, extraHeaders);
    }

    public record Res(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public String text() { return new String(body, StandardCharsets.UTF_8); }
        public JsonNode json() { return JSON.readTree(body); }
        public String header(String name) { return headers.firstValue(name).orElse(null); }
    }

    public Res get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    public Res delete(String path) {
        return send("DELETE", path, null, null);
    }

    public Res postJson(String path, String json, String... headers) {
        return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** multipart/form-data with one file part named "file". */
    public Res upload(String path, String filename, byte[] content) {
        String boundary = "qforge-" + UUID.randomUUID();
        var out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("POST", path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    /** One part of a multipart body: a file (with a filename) or a text field (filename null). */
    public record Part(String name, String filename, byte[] content) {
        public static Part file(String name, String filename, byte[] content) {
            return new Part(name, filename, content);
        }

        public static Part field(String name, String value) {
            return new Part(name, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** multipart/form-data with these parts, in order. */
    public Res multipart(String path, List<Part> parts) {
        String boundary = "qforge-" + UUID.randomUUID();
        var out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() != null ? "; filename=\"" + p.filename() + "\"\r\nContent-Type: application/octet-stream"
                    : "") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("POST", path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    /** multipart/form-data with one text field and no file part. */
    public Res multipart(String path, String field, String value) {
        String boundary = "qforge-" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value
                + "\r\n--" + boundary + "--\r\n";
        return send("POST", path, "multipart/form-data; boundary=" + boundary, body.getBytes(StandardCharsets.UTF_8));
    }

    private Res send(String method, String path, String contentType, byte[] body, String... headers) {
        var uri = URI.create(base + path);
        var sent = new LinkedHashMap<String, List<String>>();
        if (token != null) sent.computeIfAbsent("Authorization", k -> new ArrayList<>()).add("Bearer " + token);
        if (contentType != null) sent.computeIfAbsent("Content-Type", k -> new ArrayList<>()).add(contentType);
        for (int i = 0; i < extraHeaders.size(); i += 2) sent.computeIfAbsent(extraHeaders.get(i), k -> new ArrayList<>()).add(extraHeaders.get(i + 1));
        for (int i = 0; i < headers.length; i += 2) sent.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
        var b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        sent.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        HttpResponse<byte[]> r;
        try {
            r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        OpenApiContract.get().check(new OpenApiContract.Exchange(method, uri, sent, body, r.statusCode(),
                r.headers().map(), r.body()), checkRequests);
        return new Res(r.statusCode(), r.headers(), r.body());
    }
}
