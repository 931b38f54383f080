package io.qforge.storage;

import io.qforge.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletRequestContext;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.springframework.http.HttpStatus;

/**
 * Reads a {@code multipart/form-data} upload as it arrives (Commons FileUpload's streaming API;
 * Spring's multipart resolution is off, so the container has read nothing before): the one part
 * named {@code file} goes straight into a {@link SpooledUpload} under the byte limit, a
 * {@code name} field is read (bounded), other fields are skipped. The request as a whole may be at
 * most the limit plus {@link #FRAMING_ALLOWANCE} bytes.
 */
final class MultipartUpload {
    /** Bytes a request may carry beyond the file's limit: boundaries, part headers, small fields. */
    static final long FRAMING_ALLOWANCE = 64 * 1024;
    static final int MAX_PARTS = 16;

    /** What the request held: the spooled file, its multipart filename and the {@code name} field. */
    record Received(SpooledUpload file, String filename, String nameField) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** How to read one request: file byte limit and the error past it, name field bytes, spool place. */
    record Limits(long maxFileBytes, Supplier<ApiException> tooLarge, int maxNameBytes, Path tempDir, String suffix,
                  Duration timeout) {}

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
        SpooledUpload file = null;
        String filename = null;
        String nameField = null;
        try {
            var items = upload.getItemIterator(context);
            int parts = 0;
            while (items.hasNext()) {
                var item = items.next();
                if (++parts > MAX_PARTS) {
                    throw ApiException.badRequest("The request has more than " + MAX_PARTS + " multipart parts");
                }
                if ("file".equals(item.getFieldName())) {
                    if (file != null) {
                        throw ApiException.badRequest("The request has more than one 'file' part; send exactly one");
                    }
                    filename = item.getName();
                    // shielded: on a refusal the rest of the part is not drained
                    file = SpooledUpload.spool(CloseShieldInputStream.wrap(item.getInputStream()), limits.tempDir(),
                            limits.suffix(), limits.maxFileBytes(), limits.tooLarge());
                } else if ("name".equals(item.getFieldName()) && item.isFormField()) {
                    nameField = new String(item.getInputStream().readNBytes(limits.maxNameBytes()), StandardCharsets.UTF_8);
                }
                // any other part is skipped; its bytes count against the request's size limit
            }
            if (file == null) {
                throw ApiException.badRequest("The request has no 'file' part (multipart/form-data with the file in a part named 'file')");
            }
            return new Received(file, filename, nameField);
        } catch (IOException | RuntimeException e) {
            if (file != null) file.close();
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
