package io.qforge.storage;

import io.qforge.api.FieldProblem;
import io.qforge.engine.data.DatasetException;
import io.qforge.engine.data.DatasetLimits;
import io.qforge.engine.data.InflatedBytesExceeded;
import io.qforge.engine.data.NpyHeader;
import io.qforge.engine.data.NpyValueScan.LabelRange;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.data.NpzScanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset port over the engine's {@link NpzScanner}: the archive's entries (names, links,
 * duplicates, compression), array headers (present, dtypes, sizes within limits, not empty) and
 * every value of the four arrays, streamed (x finite, labels fitting an int32 and non-negative,
 * no truncated or trailing data, within the inflated-bytes budget); then sample counts of x and y
 * agree and x_train and x_test samples have one shape. Classes = largest label + 1. Any other
 * failure of the check is a 422 too, never a 500.
 */
public final class EngineDatasetInspector implements DatasetInspector {
    /** The setting that bounds {@link DatasetLimits#maxInflatedBytes()}, named in its message. */
    static final String INFLATED_SETTING = "qforge.uploads.max-inflated-bytes";
    private static final Logger log = LoggerFactory.getLogger(EngineDatasetInspector.class);

    private final DatasetLimits limits;

    public EngineDatasetInspector(DatasetLimits limits) {
        this.limits = limits;
    }

    @Override
    public DatasetSummary inspectDataset(Path file, String uploadName) throws UploadRejected {
        String name = UploadRejected.displayName(uploadName, "dataset.npz");
        NpzScanner.Result scan;
        try {
            scan = NpzScanner.scan(file, name, limits);
        } catch (InflatedBytesExceeded e) {
            throw rejected(name, e.getMessage() + " (setting " + INFLATED_SETTING + " = " + e.limit() + " bytes)");
        } catch (DatasetException e) {
            throw rejected(name, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("dataset check of upload {} failed unexpectedly", name, e);
            throw rejected(name, "the dataset could not be read: " + describe(e).replace(file.toString(), name));
        }
        Map<String, NpyHeader> headers = scan.headers();
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
        for (var e : scan.labels().entrySet()) {
            LabelRange r = e.getValue();
            if (r.min() < 0) {
                problems.add(new FieldProblem(e.getKey(), e.getKey() + " has a negative label (" + r.min()
                        + "); labels are 0..classes-1", r.min()));
            }
            maxLabel = Math.max(maxLabel, r.max());
        }
        if (!problems.isEmpty()) {
            throw new UploadRejected("The dataset " + name + " has " + problems.size() + " problem(s): "
                    + problems.get(0).message(), problems);
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

    /** The problem goes on the required array the message names first, else on {@code file}. */
    private static UploadRejected rejected(String name, String message) {
        String field = NpzReader.REQUIRED.stream().filter(n -> message != null && message.contains(n))
                .min(Comparator.comparingInt(message::indexOf)).orElse("file");
        String why = message != null && message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
        return new UploadRejected("The dataset " + name + " cannot be used: " + why,
                List.of(new FieldProblem(field, message, null)));
    }

    static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static List<Long> box(long[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
