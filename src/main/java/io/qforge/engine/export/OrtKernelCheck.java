package io.qforge.engine.export;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Asks ONNX Runtime which kernels it really runs for a QDQ model: creates a CPU session with all
 * graph optimizations on ({@code ALL_OPT}: QDQ fusion, then layout transformations), saves the
 * optimized graph to a temporary file, and counts its op types ({@link KernelReport}). A model can
 * run correctly in float (Q/DQ around float ops) and still fail this check.
 */
public final class OrtKernelCheck {

    private OrtKernelCheck() {
    }

    /** Op counts of {@code model} as exported and as optimized by ONNX Runtime with default session options. */
    public static KernelReport check(byte[] model) {
        return check(model, Map.of());
    }

    /**
     * As {@link #check(byte[])} with extra session config entries, e.g.
     * {@code session.qdqisint8allowed=1} (keep int8 Q/DQ instead of rewriting them to uint8).
     */
    public static KernelReport check(byte[] model, Map<String, String> sessionConfig) {
        ModelProto source = parse(model, "the exported model");
        Path file = null;
        try {
            file = Files.createTempFile("qforge-ort-optimized-", ".onnx");
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                opts.setOptimizedModelFilePath(file.toString());
                for (Map.Entry<String, String> e : sessionConfig.entrySet()) {
                    opts.addConfigEntry(e.getKey(), e.getValue());
                }
                try (OrtSession ignored = env.createSession(model, opts)) {
                    // creating the session optimizes the graph and writes it to `file`
                }
            }
            ModelProto optimized = parse(Files.readAllBytes(file), "ONNX Runtime's optimized model " + file);
            return new KernelReport(opCounts(source.getGraph()), opCounts(optimized.getGraph()));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("optimized model file " + file + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    static Map<String, Integer> opCounts(GraphProto g) {
        Map<String, Integer> counts = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            String domain = n.getDomain();
            String key = domain.isEmpty() || domain.equals("ai.onnx") ? n.getOpType() : n.getOpType() + "@" + domain;
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    private static ModelProto parse(byte[] bytes, String what) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(what + " is not an ONNX ModelProto: " + e.getMessage(), e);
        }
    }
}
