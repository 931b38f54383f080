package io.qforge.storage;

import io.qforge.api.ApiException;
import io.qforge.storage.DatasetStore.StoredDataset;
import io.qforge.tenants.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/datasets}: upload (multipart: .npz, IDX, CSV or an image-folder zip, converted to the
 * stored .npz; see {@link Uploads#uploadDataset}), list, get, delete — all within the caller's tenant.
 */
@RestController
public class DatasetController {
    private final Uploads uploads;
    private final DatasetStore datasets;

    public DatasetController(Uploads uploads, DatasetStore datasets) {
        this.uploads = uploads;
        this.datasets = datasets;
    }

    public record DatasetView(UUID id, String name, String format, String sha256, long size, OffsetDateTime createdAt,
                              List<DatasetSummary.ArrayInfo> arrays, List<Long> sampleShape, int classes,
                              long trainSamples, long testSamples, DatasetSummary.Source source,
                              List<String> classNames, Map<String, Object> conversion) {
        static DatasetView of(StoredDataset d) {
            var s = d.summary();
            // records stored before sources were kept came from an .npz upload
            var source = s.source() != null ? s.source() : new DatasetSummary.Source("npz", List.of(d.name()));
            return new DatasetView(d.id(), d.name(), d.format(), d.sha256(), d.size(), d.createdAt(), s.arrays(),
                    s.sampleShape(), s.classes(), s.trainSamples(), s.testSamples(), source, s.classNames(),
                    s.conversion());
        }
    }

    @PostMapping(path = "/v1/datasets", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<DatasetView> upload(Tenant tenant, HttpServletRequest request,
            @RequestParam(name = "name", required = false) String name) throws IOException {
        // the multipart body is read here, as a stream, after authentication (Uploads, MultipartUpload)
        var stored = uploads.uploadDataset(tenant.id(), request, name);
        return ResponseEntity.created(URI.create("/v1/datasets/" + stored.id())).body(DatasetView.of(stored));
    }

    @GetMapping("/v1/datasets")
    Page<DatasetView> list(Tenant tenant, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size) {
        Page.check(page, size);
        return new Page<>(datasets.list(tenant.id(), page, size).stream().map(DatasetView::of).toList(), page, size,
                datasets.count(tenant.id()));
    }

    @GetMapping("/v1/datasets/{id}")
    DatasetView get(Tenant tenant, @PathVariable UUID id) {
        return DatasetView.of(datasets.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("Dataset", id)));
    }

    @DeleteMapping("/v1/datasets/{id}")
    ResponseEntity<Void> delete(Tenant tenant, @PathVariable UUID id) {
        uploads.deleteDataset(tenant.id(), id);
        return ResponseEntity.noContent().build();
    }
}
