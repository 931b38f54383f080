package io.qforge.storage;

import io.qforge.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletRequestContext;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.springframework.http.HttpStatus;

/**
 * Reads a {@code multipart/form-data} upload as it arrives (Commons FileUpload's streaming API;
 * Spring's multipart resolution is off, so the container has read nothing before): each accepted
 * file part ({@code file}, and for datasets also the IDX parts) goes straight into a
 * {@link SpooledUpload}, all of them together under the byte limit; accepted text fields are read
 * (each bounded); for a kind that lists its fields, an unknown field or file part is a 400 naming
 * it, otherwise other parts are skipped. The request as a whole may be at most the limit plus
 * {@link #FRAMING_ALLOWANCE} bytes.
 */
final class MultipartUpload {
    /** Bytes a request may carry beyond the file's limit: boundaries, part headers, small fields. */
    static final long FRAMING_ALLOWANCE = 64 * 1024;
    static final int MAX_PARTS = 32;

    /** One spooled file part and the filename the client gave it. */
    record FilePart(SpooledUpload file, String filename) {}

    /**
     * What the request held: the file parts by part name (in arrival order) and the text fields.
     * {@link #file()} and {@link #filename()} are the part named {@code file} (null when absent).
     */
    record Received(Map<String, FilePart> files, Map<String, String> fields) implements AutoCloseable {
        SpooledUpload file() {
            var p = files.get("file");
            return p == null ? null : p.file();
        }

        String filename() {
            var p = files.get("file");
            return p == null ? null : p.filename();
        }

        String nameField() {
            return fields.get("name");
        }

        @Override
        public void close() throws IOException {
            for (var p : files.values()) {
                p.file().close();
            }
        }
    }

    /**
     * How to read one request: file byte limit (all file parts together) and the error past it,
     * text field bytes, spool place; the file parts and text fields accepted (null fields: any text
     * field is skipped except {@code name}, and other file parts are skipped); {@code fileRequired}:
     * a request without a {@code file} part is a 400.
     */
    record Limits(long maxFileBytes, Supplier<ApiException> tooLarge, int maxNameBytes, Path tempDir, String suffix,
                  Duration timeout, Set<String> fileParts, Set<String> fields, boolean fileRequired) {
        Limits(long maxFileBytes, Supplier<ApiException> tooLarge, int maxNameBytes, Path tempDir, String suffix,
               Duration timeout) {
            this(maxFileBytes, tooLarge, maxNameBytes, tempDir, suffix, timeout, Set.of("file"), null, true);
        }
    }

    private MultipartUpload() {}

    static Received read(HttpServletRequest request, UploadBody body, Limits limits) throws IOException {
        var upload = new JakartaServletFileUpload<>();
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        upload.setMaxSize(limits.maxFileBytes() + FRAMING_ALLOWANCE);
        if (upload.getBoundary(request.getContentType()) == null) {
            throw ApiException.badRequest("The multipart/form-data Content-Type has no boundary parameter");
        }
        var context = new JakartaServletRequestContext(request) {
            @Override
            public InputStream getInputStream() {
                return body;
            }
        };
        Map<String, FilePart> files = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            var items = upload.getItemIterator(context);
            int parts = 0;
            long used = 0;
            while (items.hasNext()) {
                var item = items.next();
                if (++parts > MAX_PARTS) {
                    throw ApiException.badRequest("The request has more than " + MAX_PARTS + " multipart parts");
                }
                String part = item.getFieldName();
                if (!item.isFormField() && part != null && limits.fileParts().contains(part)) {
                    if (files.containsKey(part)) {
                        throw ApiException.badRequest("The request has more than one '" + part + "' part; send exactly one");
                    }
                    // shielded: on a refusal the rest of the part is not drained
                    var spooled = SpooledUpload.spool(CloseShieldInputStream.wrap(item.getInputStream()), limits.tempDir(),
                            limits.suffix(), limits.maxFileBytes() - used, limits.tooLarge());
                    used += spooled.size();
                    files.put(part, new FilePart(spooled, item.getName()));
                } else if (item.isFormField() && ("name".equals(part) || limits.fields() != null && limits.fields().contains(part))) {
                    if (fields.containsKey(part)) {
                        throw ApiException.badRequest("The request has more than one '" + part + "' field; send it once");
                    }
                    fields.put(part, new String(item.getInputStream().readNBytes(limits.maxNameBytes()), StandardCharsets.UTF_8));
                } else if (limits.fields() != null) {
                    throw ApiException.badRequest("The request has an unknown " + (item.isFormField() ? "field" : "file part")
                            + " '" + String.valueOf(part).replaceAll("\\p{Cntrl}", "?") + "'; accepted file parts: "
                            + new TreeSet<>(limits.fileParts()) + ", fields: " + new TreeSet<>(limits.fields()));
                }
                // any other part is skipped; its bytes count against the request's size limit
            }
            if (limits.fileRequired() && !files.containsKey("file")) {
                throw ApiException.badRequest("The request has no 'file' part (multipart/form-data with the file in a part named 'file')");
            }
            if (files.isEmpty()) {
                throw ApiException.badRequest("The request has no 'file' part: send the dataset in a part named 'file'"
                        + " (or IDX files as the parts train_images, train_labels, test_images and test_labels)");
            }
            return new Received(files, fields);
        } catch (IOException | RuntimeException e) {
            for (var p : files.values()) p.file().close();
            throw translate(e, limits);
        }
    }

    /** Maps what went wrong while reading to the problem the client gets. */
    private static RuntimeException translate(Exception e, Limits limits) {
        if (e instanceof RuntimeException r) return r;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UploadBody.TimedOut) {
                return new ApiException(HttpStatus.REQUEST_TIMEOUT, "upload-timeout", "Upload too slow",
                        "The upload took longer than " + limits.timeout().toSeconds()
                                + " s (qforge.uploads.upload-timeout); it was refused");
            }
            if (t instanceof SocketTimeoutException) {
                return new ApiException(HttpStatus.REQUEST_TIMEOUT, "upload-timeout", "Upload too slow",
                        "No bytes of the upload arrived within the read timeout (server.tomcat.connection-timeout)");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UploadBody.ReadFailed) {
                return ApiException.badRequest("The upload ended before its multipart body was complete");
            }
        }
        if (e instanceof FileUploadSizeException) return limits.tooLarge().get();
        if (e instanceof FileUploadException) {
            return ApiException.badRequest("The multipart body is malformed: " + e.getMessage());
        }
        return new java.io.UncheckedIOException((IOException) e);
    }
}
