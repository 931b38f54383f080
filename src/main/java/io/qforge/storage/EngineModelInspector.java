package io.qforge.storage;

import io.qforge.api.FieldProblem;
import io.qforge.engine.graph.ValueInfo;
import io.qforge.engine.onnx.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model port over the engine's importer ({@code io.qforge.engine.onnx.ModelSummary}): a
 * malformed file is one problem on {@code file}; an unsupported model lists every problem the
 * importer found, on the node it names ({@code node:<name>}) or on {@code model}. Any other
 * failure inside the importer (a bug it does not yet guard against, a stack overflow on a hostile
 * graph) is a 422 "the model could not be read", never a 500. Messages name the upload by the
 * user's file name.
 */
public final class EngineModelInspector implements ModelInspector {
    private static final Pattern NODE = Pattern.compile("^node '([^']*)'");
    private static final Logger log = LoggerFactory.getLogger(EngineModelInspector.class);

    @Override
    public ModelSummary inspect(Path onnxFile, String uploadName) throws UploadRejected {
        String name = UploadRejected.displayName(uploadName, "model.onnx");
        io.qforge.engine.onnx.ModelSummary s;
        try {
            s = io.qforge.engine.onnx.ModelSummary.of(Files.readAllBytes(onnxFile));
        } catch (InvalidModelException e) {
            throw new UploadRejected("The file " + name + " is not a valid ONNX model: " + e.getMessage(),
                    List.of(new FieldProblem("file", e.getMessage(), null)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the spooled upload " + onnxFile, e);
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("model check of upload {} failed unexpectedly", name, e);
            String why = "the model could not be read: " + EngineDatasetInspector.describe(e)
                    .replace(onnxFile.toString(), name);
            throw new UploadRejected("The file " + name + " cannot be used: " + why,
                    List.of(new FieldProblem("file", why, null)));
        }
        if (!s.supported()) {
            var problems = new ArrayList<FieldProblem>();
            for (String p : s.problems()) {
                var m = NODE.matcher(p);
                problems.add(new FieldProblem(m.find() ? "node:" + m.group(1) : "model", p, null));
            }
            throw new UploadRejected("qforge cannot train the model " + name + ": " + problems.size()
                    + " problem(s), the first: " + s.problems().get(0), problems);
        }
        return new ModelSummary(specs(s.inputs()), specs(s.outputs()), s.opCounts(), s.parameterCount(), s.opset());
    }

    private static List<ModelSummary.TensorSpec> specs(List<ValueInfo> infos) {
        return infos.stream().map(v -> {
            var shape = new ArrayList<Long>();
            for (long d : v.shape()) shape.add(d);
            return new ModelSummary.TensorSpec(v.name(), v.type().name(), shape);
        }).toList();
    }
}
