package io.qforge.support;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.qforge.api.FieldProblem;
import io.qforge.storage.ModelInspector;
import io.qforge.storage.ModelSummary;
import io.qforge.storage.UploadRejected;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TEST implementation of the model port (until the engine's OnnxImporter is wired): ONNX Runtime
 * loads the model and reports inputs and outputs; a file it cannot load is rejected. Knows no op
 * counts or parameters (reported empty / 0).
 */
public final class OrtModelInspector implements ModelInspector {
    @Override
    public ModelSummary inspect(Path onnxFile) throws UploadRejected {
        var env = OrtEnvironment.getEnvironment();
        try (var session = env.createSession(onnxFile.toString())) {
            return new ModelSummary(specs(session.getInputInfo()), specs(session.getOutputInfo()), Map.of(), 0, 0);
        } catch (OrtException e) {
            throw new UploadRejected("The model is not a valid ONNX model",
                    List.of(new FieldProblem("file", "ONNX Runtime cannot load it: " + e.getMessage(), null)));
        }
    }

    private static List<ModelSummary.TensorSpec> specs(Map<String, NodeInfo> infos) {
        var out = new ArrayList<ModelSummary.TensorSpec>();
        for (var e : infos.entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t) {
                var shape = new ArrayList<Long>();
                for (long d : t.getShape()) shape.add(d);
                out.add(new ModelSummary.TensorSpec(e.getKey(), t.type.name(), shape));
            }
        }
        return out;
    }

}
