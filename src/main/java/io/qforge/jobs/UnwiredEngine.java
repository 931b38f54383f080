package io.qforge.jobs;

import io.qforge.api.FieldProblem;
import io.qforge.storage.DatasetInspector;
import io.qforge.storage.DatasetSummary;
import io.qforge.storage.ModelInspector;
import io.qforge.storage.ModelSummary;
import io.qforge.storage.UploadRejected;
import java.nio.file.Path;
import java.util.List;

/**
 * PLACEHOLDER until the engine's importer, dataset readers and whole-job call are on main: every
 * port refuses with "engine not wired yet". {@link EnginePorts} registers it; the integrator
 * replaces it with the adapters over {@code io.qforge.engine}.
 */
public final class UnwiredEngine implements JobEngine, ModelInspector, DatasetInspector {
    static final String MESSAGE = "engine not wired yet: the io.qforge.engine adapters are not registered in EnginePorts";

    @Override
    public JobResult run(JobRun run) {
        throw new IllegalStateException(MESSAGE);
    }

    @Override
    public ModelSummary inspect(Path onnxFile) throws UploadRejected {
        throw new UploadRejected(MESSAGE, List.of(FieldProblem.of("file", MESSAGE)));
    }

    @Override
    public DatasetSummary inspectDataset(Path datasetFile) throws UploadRejected {
        throw new UploadRejected(MESSAGE, List.of(FieldProblem.of("file", MESSAGE)));
    }
}
