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
import java.io.IOException;
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
    private final TransactionTemplate tx;
    private final DistributionSummary modelBytes;
    private final DistributionSummary datasetBytes;
    private final TenantQuotas quotas;
    /** Bytes read from upload request bodies, by kind and outcome ("read" or "refused"). */
    private final Map<String, DistributionSummary> requestBytes;

    public Uploads(QforgeProperties props, BlobStore blobs, ModelStore models, DatasetStore datasets,
            ModelInspector modelInspector, DatasetInspector datasetInspector, TransactionTemplate tx,
            MeterRegistry meters, TenantQuotas quotas) {
        this.quotas = quotas;
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

    public StoredDataset uploadDataset(UUID tenantId, HttpServletRequest request, String name) throws IOException {
        long limit = props.getUploads().getMaxDatasetSize().toBytes();
        try (var received = receive(tenantId, request, "dataset", "qforge.uploads.max-dataset-size", limit, ".npz")) {
            var spooled = received.file();
            DatasetSummary summary;
            try {
                summary = datasetInspector.inspectDataset(spooled.file(), uploadName(received));
            } catch (UploadRejected e) {
                throw new ValidationException(e.getMessage(), e.problems());
            }
            var stored = tx.execute(s -> {
                quotas.lock(tenantId);
                quotas.checkStoredBytes(tenantId, spooled.size());
                return datasets.insert(tenantId, nameOf(name, received, "dataset.npz"),
                        blobs.put(spooled.file(), spooled.sha256(), spooled.size()), spooled.sha256(), spooled.size(), summary);
            });
            datasetBytes.record(spooled.size());
            return stored;
        }
    }

    /**
     * Reads the multipart request into a spool file. Refused before a byte is read when its
     * Content-Length is beyond the kind's limit or the tenant's remaining storage; otherwise reading
     * stops at the smaller of the two, and at the upload timeout.
     */
    private MultipartUpload.Received receive(UUID tenantId, HttpServletRequest request, String kind, String setting,
            long kindLimit, String suffix) throws IOException {
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
                props.getUploads().getTempDir(), suffix, timeout);
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
