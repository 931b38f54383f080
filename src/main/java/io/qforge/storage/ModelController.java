package io.qforge.storage;

import io.qforge.api.ApiException;
import io.qforge.storage.ModelStore.StoredModel;
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

/** {@code /v1/models}: upload (multipart ONNX), list, get, delete — all within the caller's tenant. */
@RestController
public class ModelController {
    private final Uploads uploads;
    private final ModelStore models;

    public ModelController(Uploads uploads, ModelStore models) {
        this.uploads = uploads;
        this.models = models;
    }

    public record ModelView(UUID id, String name, String sha256, long size, OffsetDateTime createdAt,
                            List<ModelSummary.TensorSpec> inputs, List<ModelSummary.TensorSpec> outputs,
                            Map<String, Integer> ops, long parameters, long opset, boolean supported) {
        static ModelView of(StoredModel m) {
            var s = m.summary();
            return new ModelView(m.id(), m.name(), m.sha256(), m.size(), m.createdAt(), s.inputs(), s.outputs(),
                    s.ops(), s.parameters(), s.opset(), true);
        }
    }

    @PostMapping(path = "/v1/models", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ModelView> upload(Tenant tenant, HttpServletRequest request,
            @RequestParam(name = "name", required = false) String name) throws IOException {
        // the multipart body is read here, as a stream, after authentication (Uploads, MultipartUpload)
        var stored = uploads.uploadModel(tenant.id(), request, name);
        return ResponseEntity.created(URI.create("/v1/models/" + stored.id())).body(ModelView.of(stored));
    }

    @GetMapping("/v1/models")
    Page<ModelView> list(Tenant tenant, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size) {
        Page.check(page, size);
        return new Page<>(models.list(tenant.id(), page, size).stream().map(ModelView::of).toList(), page, size,
                models.count(tenant.id()));
    }

    @GetMapping("/v1/models/{id}")
    ModelView get(Tenant tenant, @PathVariable UUID id) {
        return ModelView.of(models.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("Model", id)));
    }

    @DeleteMapping("/v1/models/{id}")
    ResponseEntity<Void> delete(Tenant tenant, @PathVariable UUID id) {
        uploads.deleteModel(tenant.id(), id);
        return ResponseEntity.noContent().build();
    }
}
