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

/**
 * The model port over the engine's importer ({@code io.qforge.engine.onnx.ModelSummary}): a
 * malformed file is one problem on {@code file}; an unsupported model lists every problem the
 * importer found, on the node it names ({@code node:<name>}) or on {@code model}.
 */
public final class EngineModelInspector implements ModelInspector {
    private static final Pattern NODE = Pattern.compile("^node '([^']*)'");

    @Override
    public ModelSummary inspect(Path onnxFile) throws UploadRejected {
        io.qforge.engine.onnx.ModelSummary s;
        try {
            s = io.qforge.engine.onnx.ModelSummary.of(Files.readAllBytes(onnxFile));
        } catch (InvalidModelException e) {
            throw new UploadRejected("The file is not a valid ONNX model",
                    List.of(new FieldProblem("file", e.getMessage(), null)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the spooled upload " + onnxFile, e);
        }
        if (!s.supported()) {
            var problems = new ArrayList<FieldProblem>();
            for (String p : s.problems()) {
                var m = NODE.matcher(p);
                problems.add(new FieldProblem(m.find() ? "node:" + m.group(1) : "model", p, null));
            }
            throw new UploadRejected("qforge cannot train this model: " + problems.size() + " problem(s)", problems);
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
