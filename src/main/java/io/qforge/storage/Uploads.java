package io.qforge.storage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.qforge.api.ApiException;
import io.qforge.api.ValidationException;
import io.qforge.config.QforgeProperties;
import io.qforge.storage.DatasetStore.StoredDataset;
import io.qforge.storage.ModelStore.StoredModel;
import java.io.IOException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

/**
 * Accepting a model or dataset: spool to a temp file while hashing (bounded by the settings),
 * check it with the engine's reader (422 listing problems), then store bytes and record in one
 * transaction.
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

    public Uploads(QforgeProperties props, BlobStore blobs, ModelStore models, DatasetStore datasets,
            ModelInspector modelInspector, DatasetInspector datasetInspector, TransactionTemplate tx,
            MeterRegistry meters) {
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

    public StoredModel uploadModel(UUID tenantId, MultipartFile file, String name) throws IOException {
        long limit = props.getUploads().getMaxModelSize().toBytes();
        checkDeclaredSize(file, limit, "The model file");
        try (var spooled = SpooledUpload.spool(file.getInputStream(), props.getUploads().getTempDir(), ".onnx",
                limit, "The model file")) {
            ModelSummary summary;
            try {
                summary = modelInspector.inspect(spooled.file(), file.getOriginalFilename());
            } catch (UploadRejected e) {
                throw new ValidationException(e.getMessage(), e.problems());
            }
            var stored = tx.execute(s -> models.insert(tenantId, nameOf(name, file, "model.onnx"),
                    blobs.put(spooled.file(), spooled.sha256(), spooled.size()), spooled.sha256(), spooled.size(), summary));
            modelBytes.record(spooled.size());
            return stored;
        }
    }

    public StoredDataset uploadDataset(UUID tenantId, MultipartFile file, String name) throws IOException {
        long limit = props.getUploads().getMaxDatasetSize().toBytes();
        checkDeclaredSize(file, limit, "The dataset file");
        try (var spooled = SpooledUpload.spool(file.getInputStream(), props.getUploads().getTempDir(), ".npz",
                limit, "The dataset file")) {
            DatasetSummary summary;
            try {
                summary = datasetInspector.inspectDataset(spooled.file(), file.getOriginalFilename());
            } catch (UploadRejected e) {
                throw new ValidationException(e.getMessage(), e.problems());
            }
            var stored = tx.execute(s -> datasets.insert(tenantId, nameOf(name, file, "dataset.npz"),
                    blobs.put(spooled.file(), spooled.sha256(), spooled.size()), spooled.sha256(), spooled.size(), summary));
            datasetBytes.record(spooled.size());
            return stored;
        }
    }

    public void deleteModel(UUID tenantId, UUID id) {
        tx.executeWithoutResult(s -> {
            var m = models.find(tenantId, id).orElseThrow(() -> ApiException.notFound("Model", id));
            if (models.usedByJobs(id)) {
                throw ApiException.conflict("Model " + id + " is used by jobs; delete is not possible while jobs refer to it");
            }
            models.delete(id);
            blobs.delete(m.blobId());
        });
    }

    public void deleteDataset(UUID tenantId, UUID id) {
        tx.executeWithoutResult(s -> {
            var d = datasets.find(tenantId, id).orElseThrow(() -> ApiException.notFound("Dataset", id));
            if (datasets.usedByJobs(id)) {
                throw ApiException.conflict("Dataset " + id + " is used by jobs; delete is not possible while jobs refer to it");
            }
            datasets.delete(id);
            blobs.delete(d.blobId());
        });
    }

    /** A multipart part that says it is too big is refused before a byte is copied. */
    private static void checkDeclaredSize(MultipartFile file, long limit, String what) {
        if (file.getSize() > limit) {
            throw ApiException.tooLarge(what, limit);
        }
    }

    private static String nameOf(String name, MultipartFile file, String fallback) {
        if (name != null && !name.isBlank()) return name.strip();
        var original = file.getOriginalFilename();
        return original == null || original.isBlank() ? fallback : original;
    }
}
