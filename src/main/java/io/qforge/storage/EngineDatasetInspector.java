package io.qforge.storage;

import io.qforge.api.FieldProblem;
import io.qforge.engine.data.DatasetException;
import io.qforge.engine.data.DatasetLimits;
import io.qforge.engine.data.NpyHeader;
import io.qforge.engine.data.NpyReader;
import io.qforge.engine.data.NpzReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * The dataset port over the engine's {@link NpzReader}: array headers (present, dtypes, sizes
 * within limits) without loading x; sample counts of x and y agree, x_train and x_test samples
 * have one shape; the label arrays are read to check they are non-negative and to count classes
 * (largest label + 1). Whether x values are finite is checked when a job loads the data.
 */
public final class EngineDatasetInspector implements DatasetInspector {
    private final DatasetLimits limits;

    public EngineDatasetInspector(DatasetLimits limits) {
        this.limits = limits;
    }

    @Override
    public DatasetSummary inspectDataset(Path file) throws UploadRejected {
        Map<String, NpyHeader> headers;
        try {
            headers = NpzReader.describe(file);
            NpzReader.checkHeaders(headers, limits);
        } catch (DatasetException e) {
            throw rejected(e.getMessage());
        }
        var problems = new ArrayList<FieldProblem>();
        var xTrain = headers.get("x_train").shape();
        var xTest = headers.get("x_test").shape();
        sameCount(headers, "x_train", "y_train", problems);
        sameCount(headers, "x_test", "y_test", problems);
        long[] trainSample = Arrays.copyOfRange(xTrain, 1, xTrain.length);
        long[] testSample = Arrays.copyOfRange(xTest, 1, xTest.length);
        if (!Arrays.equals(trainSample, testSample)) {
            problems.add(new FieldProblem("x_test", "x_test samples have shape " + Arrays.toString(testSample)
                    + " but x_train samples have shape " + Arrays.toString(trainSample), null));
        }
        long maxLabel = -1;
        try (var zip = new ZipFile(file.toFile())) {
            for (String y : List.of("y_train", "y_test")) {
                var entry = zip.getEntry(y + ".npy");
                if (entry == null) continue;
                try (var in = zip.getInputStream(entry)) {
                    var labels = NpyReader.read(in, y, limits);
                    if (labels.length() == 0) continue;
                    long min = labels.minNumber().longValue();
                    if (min < 0) {
                        problems.add(new FieldProblem(y, y + " has a negative label (" + min + "); labels are 0..classes-1", min));
                    }
                    maxLabel = Math.max(maxLabel, labels.maxNumber().longValue());
                }
            }
        } catch (IOException | DatasetException e) {
            throw rejected(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new UploadRejected("The dataset has " + problems.size() + " problem(s)", problems);
        }
        var arrays = headers.values().stream().map(h -> new DatasetSummary.ArrayInfo(h.name(),
                h.dtype().name().toLowerCase(), box(h.shape()))).toList();
        return new DatasetSummary("npz", arrays, box(trainSample), (int) (maxLabel + 1), xTrain[0], xTest[0]);
    }

    private static void sameCount(Map<String, NpyHeader> h, String x, String y, List<FieldProblem> problems) {
        long nx = h.get(x).shape()[0];
        long ny = h.get(y).shape()[0];
        if (nx != ny) {
            problems.add(new FieldProblem(y, y + " has " + ny + " labels but " + x + " has " + nx + " samples", ny));
        }
    }

    /** The problem goes on the required array the engine's message names first, else on {@code file}. */
    private static UploadRejected rejected(String message) {
        String field = NpzReader.REQUIRED.stream().filter(n -> message != null && message.contains(n))
                .min(java.util.Comparator.comparingInt(message::indexOf)).orElse("file");
        return new UploadRejected("The dataset cannot be used", List.of(new FieldProblem(field, message, null)));
    }

    private static List<Long> box(long[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
