package io.qforge.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code openapi.yaml} as the oracle of every HTTP test. {@link Http} hands each {@code /v1}
 * request and its response to {@link #check}; the request must be one the contract documents
 * (path, method, parameters, security, JSON body schema) and the response one it documents for
 * that operation (status, content type, headers marked required, body schema with no undocumented
 * fields, problem+json included). Validation is Atlassian's swagger/openapi-request-validator; a
 * violation is an {@link AssertionError} in the test that made the request.
 *
 * <p>Every (operation, status) pair seen is recorded; {@code ContractCoverageTest} asserts at the
 * end of the run that every status the contract documents was produced by some test.
 */
public final class OpenApiContract {
    public static final Path SPEC = Path.of("openapi.yaml");
    /** A path that names one route in one spelling: no empty, dot or encoded segments, no trailing slash. */
    private static final Pattern CANONICAL = Pattern.compile("/v1(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+");

    private static final Set<String> OBSERVED = ConcurrentHashMap.newKeySet();
    private static volatile OpenApiContract instance;

    private final OpenAPI api;
    private final OpenApiInteractionValidator validator;
    private final ApiOperationResolver operations;

    private OpenApiContract() {
        String yaml;
        try {
            yaml = Files.readString(SPEC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        var parsed = new OpenAPIParser().readContents(yaml, null, options);
        if (parsed.getOpenAPI() == null || (parsed.getMessages() != null && !parsed.getMessages().isEmpty())) {
            throw new IllegalStateException("openapi.yaml does not parse: " + parsed.getMessages());
        }
        this.api = parsed.getOpenAPI();
        // the library checks only operation-level security; the document's default applies to every operation without its own
        if (api.getSecurity() != null) {
            api.getPaths().values().forEach(item -> item.readOperations().stream()
                    .filter(op -> op.getSecurity() == null).forEach(op -> op.setSecurity(api.getSecurity())));
        }
        this.validator = OpenApiInteractionValidator.createFor(api)
                .withStrictOperationPathMatching()
                // an undocumented query parameter is a contract violation too (the library ignores it by default)
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.ERROR)
                        .build())
                .build();
        this.operations = new ApiOperationResolver(api, null, true);
    }

    public static OpenApiContract get() {
        var c = instance;
        if (c == null) {
            synchronized (OpenApiContract.class) {
                if (instance == null) instance = new OpenApiContract();
                c = instance;
            }
        }
        return c;
    }

    /** The parsed contract (references resolved). */
    public OpenAPI api() {
        return api;
    }

    /** "METHOD /path/{template} STATUS" for every response seen on a documented operation. */
    public static Set<String> observed() {
        return new TreeSet<>(OBSERVED);
    }

    /** One exchange as {@link Http} made it. */
    record Exchange(String method, URI uri, Map<String, List<String>> requestHeaders, byte[] requestBody,
                    int status, Map<String, List<String>> responseHeaders, byte[] responseBody) {}

    /**
     * Validates one exchange. With {@code validateRequest} false (a deliberately invalid or hostile
     * request, {@link Http#unchecked()}) the request is not judged; its response still is when the
     * request names a documented operation in canonical spelling.
     */
    void check(Exchange x, boolean validateRequest) {
        String operation = validate(x, validateRequest);
        if (operation != null) OBSERVED.add(operation + " " + x.status());
    }

    /** {@link #check} without recording; returns the documented operation ("METHOD /template") or null. */
    String validate(Exchange x, boolean validateRequest) {
        String path = x.uri().getRawPath();
        if (!path.startsWith("/v1/")) return null;
        var method = Request.Method.valueOf(x.method());
        var match = CANONICAL.matcher(path).matches() ? operations.findApiOperation(path, method) : null;
        boolean documented = match != null && match.isPathFound() && match.isOperationAllowed();
        if (!validateRequest && !documented) return null;
        var request = request(x);
        var response = response(x);
        ValidationReport report = validateRequest ? validator.validate(request, response)
                : validator.validateResponse(path, method, response);
        String problem = problemStatusMismatch(x);
        if (problem != null) {
            report = report.merge(ValidationReport.singleton(ValidationReport.Message.create(
                    "qforge.response.problem.status", problem).build()));
        }
        if (report.hasErrors()) {
            throw new AssertionError("openapi.yaml contract violated by " + x.method() + " " + x.uri() + " -> "
                    + x.status() + "\n" + SimpleValidationReportFormat.getInstance().apply(report)
                    + "\nresponse body: " + preview(x.responseBody()));
        }
        return documented ? x.method() + " " + match.getApiOperation().getApiPath().original() : null;
    }

    /** A problem's {@code status} member must be the HTTP status it came with (RFC 9457 section 3.1.3). */
    private static String problemStatusMismatch(Exchange x) {
        boolean isProblem = x.responseHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                .flatMap(e -> e.getValue().stream()).anyMatch(v -> v.startsWith("application/problem+json"));
        if (!isProblem) return null;
        var status = Http.JSON.readTree(x.responseBody()).get("status");
        return status != null && status.isInt() && status.intValue() == x.status() ? null
                : "problem+json body says status " + status + " but the response is " + x.status();
    }

    private static SimpleRequest request(Exchange x) {
        var b = new SimpleRequest.Builder(x.method(), x.uri().getRawPath());
        x.requestHeaders().forEach(b::withHeader);
        String query = x.uri().getRawQuery();
        if (query != null && !query.isEmpty()) {
            var params = new LinkedHashMap<String, List<String>>();
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
            }
            params.forEach(b::withQueryParam);
        }
        if (x.requestBody() != null && x.requestBody().length > 0) b.withBody(x.requestBody());
        return b.build();
    }

    private static SimpleResponse response(Exchange x) {
        var b = new SimpleResponse.Builder(x.status());
        x.responseHeaders().forEach(b::withHeader);
        if (x.responseBody() != null && x.responseBody().length > 0) b.withBody(x.responseBody());
        return b.build();
    }

    private static String preview(byte[] body) {
        if (body == null) return "";
        String s = new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8);
        return s.chars().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || c >= 0x20) ? s : "(" + body.length + " bytes)";
    }
}
