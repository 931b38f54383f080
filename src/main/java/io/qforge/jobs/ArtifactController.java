package io.qforge.jobs;

import io.qforge.api.ApiException;
import io.qforge.storage.BlobStore;
import io.qforge.tenants.Tenant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code /v1/jobs/{id}/artifacts}: the list, and downloads streamed from PostgreSQL with
 * {@code ETag} (the quoted SHA-256), {@code Content-Length}, {@code Content-Disposition},
 * {@code If-None-Match} (304) and single-range {@code Range: bytes=a-b} / {@code bytes=-n}
 * (206 with {@code Content-Range}; 416 when outside the file, however large the number;
 * {@code If-Range} honoured).
 */
@RestController
public class ArtifactController {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final JobController jobs;
    private final Artifacts artifacts;
    private final BlobStore blobs;

    public ArtifactController(JobController jobs, Artifacts artifacts, BlobStore blobs) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.blobs = blobs;
    }

    public record ArtifactView(String name, String contentType, long size, String sha256, OffsetDateTime createdAt,
                               String href) {}

    @GetMapping("/v1/jobs/{id}/artifacts")
    List<ArtifactView> list(Tenant tenant, @PathVariable UUID id) {
        jobs.find(tenant, id);
        return artifacts.list(tenant.id(), id).stream().map(a -> new ArtifactView(a.name(), a.contentType(), a.size(), a.sha256(),
                a.createdAt(), "/v1/jobs/" + id + "/artifacts/" + a.name())).toList();
    }

    @GetMapping("/v1/jobs/{id}/artifacts/{name}")
    ResponseEntity<StreamingResponseBody> download(Tenant tenant, @PathVariable UUID id, @PathVariable String name,
            @RequestHeader(name = HttpHeaders.RANGE, required = false) String range,
            @RequestHeader(name = HttpHeaders.IF_RANGE, required = false) String ifRange,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        jobs.find(tenant, id);
        var a = artifacts.find(tenant.id(), id, name).orElseThrow(() -> ApiException.notFound("Artifact", name + " of job " + id));
        String etag = "\"" + a.sha256() + "\"";
        var headers = new HttpHeaders();
        headers.setETag(etag);
        headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        headers.setContentDisposition(ContentDisposition.attachment().filename(a.name()).build());
        headers.setContentType(MediaType.parseMediaType(a.contentType()));
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).headers(headers).build();
        }
        long size = a.size();
        long start = 0;
        long end = size - 1;
        HttpStatus status = HttpStatus.OK;
        boolean rangeApplies = range != null && (ifRange == null || ifRange.trim().equals(etag));
        if (rangeApplies) {
            var m = RANGE.matcher(range.trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                if (m.group(1).isEmpty()) { // suffix: the last n bytes
                    long n = position(m.group(2));
                    start = Math.max(0, size - n);
                    if (n == 0) start = size;
                } else {
                    start = position(m.group(1));
                    if (!m.group(2).isEmpty()) end = Math.min(end, position(m.group(2)));
                }
                if (start >= size || start > end) {
                    throw new ApiException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range-not-satisfiable",
                            "Range not satisfiable", "Range '" + range + "' is outside the artifact's " + size + " bytes")
                            .withHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
                }
                status = HttpStatus.PARTIAL_CONTENT;
                headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
            }
            // other forms (several ranges, other units) are answered with the whole file, as RFC 9110 allows
        }
        long offset = start;
        long length = end - start + 1;
        headers.setContentLength(length);
        UUID blob = a.blobId();
        StreamingResponseBody body = out -> blobs.copyTo(blob, offset, length, out);
        return ResponseEntity.status(status).headers(headers).body(body);
    }

    /**
     * A byte position of a Range header (digits only). One too large for a long is beyond any
     * artifact, so it saturates: a first position becomes unsatisfiable (416), a last position or
     * suffix length means "to the end" / "the whole file".
     */
    private static long position(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
