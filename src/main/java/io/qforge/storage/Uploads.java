package io.qforge.storage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.qforge.api.ApiException;
import io.qforge.api.ValidationException;
import io.qforge.config.QforgeProperties;
import io.qforge.quota.TenantQuotas;
import io.qforge.storage.DatasetStore.StoredDataset;
import io.qforge.storage.ModelStore.StoredModel;
import jakarta.servlet.http.HttpServletRequest;
import io.qforge.engine.data.ingest.FormatGuess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepting a model or dataset: the multipart body is streamed into a temp file while hashed
 * (bounded by the kind's limit, the tenant's storage quota and the upload timeout; see
 * {@link MultipartUpload}), checked with the engine's reader (422 listing problems), then bytes and
 * record are stored in one transaction that re-checks the quota.
 */
@Service
public class Uploads {
    private final QforgeProperties props;
    private final BlobStore blobs;
    private final ModelStore models;
    private final DatasetStore datasets;
    private final ModelInspector modelInspector;
    private final DatasetInspector datasetInspector;
    private final DatasetConversions conversions;
    private final TransactionTemplate tx;
    private final DistributionSummary modelBytes;
    private final DistributionSummary datasetBytes;
    private final TenantQuotas quotas;
    /** Bytes read from upload request bodies, by kind and outcome ("read" or "refused"). */
    private final Map<String, DistributionSummary> requestBytes;

    public Uploads(QforgeProperties props, BlobStore blobs, ModelStore models, DatasetStore datasets,
            ModelInspector modelInspector, DatasetInspector datasetInspector, TransactionTemplate tx,
            MeterRegistry meters, TenantQuotas quotas, DatasetConversions conversions) {
        this.quotas = quotas;
        this.conversions = conversions;
        var bodies = new java.util.HashMap<String, DistributionSummary>();
        for (String kind : new String[] {"model", "dataset"}) {
            for (String outcome : new String[] {"read", "refused"}) {
                bodies.put(kind + "/" + outcome, DistributionSummary.builder("qforge.upload.request.bytes")
                        .baseUnit("bytes").description("Bytes read from upload request bodies")
                        .tag("kind", kind).tag("outcome", outcome).register(meters));
            }
        }
        this.requestBytes = Map.copyOf(bodies);
        this.props = props;
        this.blobs = blobs;
        this.models = models;
        this.datasets = datasets;
        this.modelInspector = modelInspector;
        this.datasetInspector = datasetInspector;
        this.tx = tx;
        this.modelBytes = DistributionSummary.builder("qforge.upload.bytes").baseUnit("bytes")
                .description("Accepted upload sizes").tag("kind", "model").register(meters);
        this.datasetBytes = DistributionSummary.builder("qforge.upload.bytes").baseUnit("bytes")
                .description("Accepted upload sizes").tag("kind", "dataset").register(meters);
    }

    public StoredModel uploadModel(UUID tenantId, HttpServletRequest request, String name) throws IOException {
        long limit = props.getUploads().getMaxModelSize().toBytes();
        try (var received = receive(tenantId, request, "model", "qforge.uploads.max-model-size", limit, ".onnx")) {
            var spooled = received.file();
            ModelSummary summary;
            try {
                summary = modelInspector.inspect(spooled.file(), uploadName(received));
            } catch (UploadRejected e) {
                throw new ValidationException(e.getMessage(), e.problems());
            }
            var stored = tx.execute(s -> {
                quotas.lock(tenantId);
                quotas.checkStoredBytes(tenantId, spooled.size());
                return models.insert(tenantId, nameOf(name, received, "model.onnx"),
                        blobs.put(spooled.file(), spooled.sha256(), spooled.size()), spooled.sha256(), spooled.size(), summary);
            });
            modelBytes.record(spooled.size());
            return stored;
        }
    }

    /**
     * A dataset in any accepted format: .npz is checked and stored as it is; IDX, CSV and image
     * folders are converted in a private work directory (deleted afterwards) into the canonical
     * .npz, which the same check then reads and which is what is stored (its SHA-256 and size are
     * the record's); the source's format and file names, class names and conversion go into the
     * summary.
     */
    public StoredDataset uploadDataset(UUID tenantId, HttpServletRequest request, String name) throws IOException {
        long limit = props.getUploads().getMaxDatasetSize().toBytes();
        try (var received = receive(tenantId, request, "dataset", "qforge.uploads.max-dataset-size", limit, ".upload",
                DatasetOptions.FILE_PARTS, DatasetOptions.FIELDS)) {
            Map<String, String> names = new java.util.LinkedHashMap<>();
            received.files().forEach((part, p) -> names.put(part, UploadRejected.displayName(
                    UploadNames.clean(p.filename(), props.getUploads().getMaxNameLength()), part)));
            var options = DatasetOptions.parse(received.fields(), received.files().keySet(), () -> guess(received));
            var files = received.files().values().stream()
                    .map(p -> java.util.Objects.requireNonNullElse(UploadNames.clean(p.filename(),
                            props.getUploads().getMaxNameLength()), "")).toList();
            var source = new DatasetSummary.Source(options.format(), files);
            String fallback = files.stream().filter(f -> !f.isEmpty()).findFirst().orElse("dataset.npz");
            if (options.format().equals("npz")) {
                if (received.file() == null) {
                    throw ApiException.badRequest("The request has no 'file' part (the .npz goes in a part named 'file')");
                }
                var spooled = received.file();
                DatasetSummary summary;
                try {
                    summary = datasetInspector.inspectDataset(spooled.file(), uploadName(received))
                            .from(source, null, null);
                } catch (UploadRejected e) {
                    throw new ValidationException(e.getMessage(), e.problems());
                }
                return store(tenantId, nameOf(name, received, fallback), spooled.file(), spooled.sha256(),
                        spooled.size(), summary);
            }
            Path work = Files.createTempDirectory(props.getUploads().getTempDir(), "qforge-upload-convert-");
            try {
                Path npz = work.resolve("dataset.npz");
                DatasetSummary summary;
                try {
                    var converted = conversions.convert(options, received.files(), names, work, npz);
                    summary = datasetInspector.inspectDataset(npz, fallback)
                            .from(source, converted.classNames(), converted.conversion());
                } catch (UploadRejected e) {
                    throw new ValidationException(e.getMessage(), e.problems());
                }
                return store(tenantId, nameOf(name, received, fallback), npz, sha256(npz), Files.size(npz), summary);
            } finally {
                deleteTree(work);
            }
        }
    }

    private StoredDataset store(UUID tenantId, String name, Path file, String sha256, long size, DatasetSummary summary) {
        var stored = tx.execute(s -> {
            quotas.lock(tenantId);
            quotas.checkStoredBytes(tenantId, size);
            return datasets.insert(tenantId, name, blobs.put(file, sha256, size), sha256, size, summary);
        });
        datasetBytes.record(size);
        return stored;
    }

    /** The format of a single-file upload with no {@code format} field. */
    private String guess(MultipartUpload.Received received) {
        if (received.file() == null) return "npz";
        try {
            return FormatGuess.guess(received.file().file(), received.filename(), props.getUploads().getMaxZipEntries());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        var digest = SpooledUpload.newDigest();
        try (var in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Reads the multipart request into a spool file. Refused before a byte is read when its
     * Content-Length is beyond the kind's limit or the tenant's remaining storage; otherwise reading
     * stops at the smaller of the two, and at the upload timeout.
     */
    private MultipartUpload.Received receive(UUID tenantId, HttpServletRequest request, String kind, String setting,
            long kindLimit, String suffix) throws IOException {
        return receive(tenantId, request, kind, setting, kindLimit, suffix, java.util.Set.of("file"), null);
    }

    private MultipartUpload.Received receive(UUID tenantId, HttpServletRequest request, String kind, String setting,
            long kindLimit, String suffix, java.util.Set<String> fileParts, java.util.Set<String> fields) throws IOException {
        long declared = request.getContentLengthLong();
        long room = quotas.remainingBytes(tenantId);
        Supplier<ApiException> overKind = () -> new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large",
                "Content too large", "The " + kind + " file is larger than the " + kind + " limit of " + kindLimit
                        + " bytes (" + setting + ")");
        if (declared > kindLimit + MultipartUpload.FRAMING_ALLOWANCE) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content too large", "The request declares "
                    + declared + " bytes (Content-Length), more than the " + kind + " limit of " + kindLimit
                    + " bytes (" + setting + "); nothing was read");
        }
        if (declared - MultipartUpload.FRAMING_ALLOWANCE > room) {
            throw quotas.storageExceeded(quotas.storedBytes(tenantId), declared - MultipartUpload.FRAMING_ALLOWANCE);
        }
        long limit = Math.min(kindLimit, room);
        Supplier<ApiException> tooLarge = room < kindLimit
                ? () -> quotas.storageExceeded(quotas.storedBytes(tenantId), -1) : overKind;
        var timeout = props.getUploads().getUploadTimeout();
        var body = new UploadBody(request.getInputStream(), timeout);
        var limits = new MultipartUpload.Limits(limit, tooLarge, 4 * props.getUploads().getMaxNameLength() + 4,
                props.getUploads().getTempDir(), suffix, timeout, fileParts, fields, fields == null);
        String outcome = "refused";
        try {
            var received = MultipartUpload.read(request, body, limits);
            outcome = "read";
            return received;
        } finally {
            requestBytes.get(kind + "/" + outcome).record(body.count());
        }
    }

    public void deleteModel(UUID tenantId, UUID id) {
        tx.executeWithoutResult(s -> {
            var m = models.find(tenantId, id).orElseThrow(() -> ApiException.notFound("Model", id));
            if (models.usedByJobs(id)) {
                throw ApiException.conflict("Model " + id + " is used by jobs; delete is not possible while jobs refer to it");
            }
            models.delete(tenantId, id);
            blobs.delete(m.blobId());
        });
    }

    public void deleteDataset(UUID tenantId, UUID id) {
        tx.executeWithoutResult(s -> {
            var d = datasets.find(tenantId, id).orElseThrow(() -> ApiException.notFound("Dataset", id));
            if (datasets.usedByJobs(id)) {
                throw ApiException.conflict("Dataset " + id + " is used by jobs; delete is not possible while jobs refer to it");
            }
            datasets.delete(tenantId, id);
            blobs.delete(d.blobId());
        });
    }

    /** The client's filename as problems quote it: last path segment, no control characters, bounded. */
    private String uploadName(MultipartUpload.Received received) {
        return UploadNames.clean(received.filename(), props.getUploads().getMaxNameLength());
    }

    private String nameOf(String name, MultipartUpload.Received received, String fallback) {
        int max = props.getUploads().getMaxNameLength();
        String fromField = UploadNames.clean(received.nameField() != null ? received.nameField() : name, max);
        if (fromField != null) return fromField;
        String fromFile = UploadNames.clean(received.filename(), max);
        return fromFile != null ? fromFile : fallback;
    }
}
