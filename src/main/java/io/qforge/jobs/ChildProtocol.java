package io.qforge.jobs;

import io.qforge.engine.data.DatasetLimits;
import java.util.UUID;

/**
 * What a job's parent JVM and its child JVM ({@link ChildMain}) say to each other.
 *
 * <p>Parent to child: the attempt as a {@link Request} JSON file, named by the child's one
 * argument; then on the child's stdin one line {@value #ACK} per stored checkpoint. The child exits
 * when its stdin ends (the parent died or closed it).
 *
 * <p>Child to parent: one JSON object per line on stdout, each line starting with
 * {@value #PREFIX} (anything else on stdout is not a message); field {@code type} is one of
 * {@code phase} ({@code phase}), {@code step} ({@code epoch, totalEpochs, step, stepsPerEpoch},
 * 1-based), {@code epoch} ({@code epoch, totalEpochs, metrics}), {@code checkpoint}
 * ({@code epoch, file}: the parent stores the file, then acknowledges), {@code result}
 * ({@code report, artifacts: [{name, contentType, file}], peakRssBytes}) or {@code error}
 * ({@code message, outOfMemory}). The child's log goes to stderr, which the parent sends to
 * {@value #LOG} in the work directory.
 */
final class ChildProtocol {
    static final String PREFIX = "@qforge ";
    static final String ACK = "ack";
    static final String REQUEST = "child-request.json";
    static final String LOG = "child.log";

    private ChildProtocol() {}

    /** One attempt, as the child reads it. */
    record Request(UUID jobId, String modelFile, String datasetFile, JobSpec spec, Integer resumeEpoch,
                   String resumeFile, String workDir, long maxJobDurationMillis, long maxElementsPerArray,
                   long maxTotalBytes, long maxInflatedBytes, int maxZipEntries) {

        DatasetLimits limits() {
            return new DatasetLimits(maxElementsPerArray, maxTotalBytes, maxInflatedBytes, maxZipEntries);
        }
    }
}
