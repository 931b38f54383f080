package io.qforge.engine.export;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
            return new KernelReport(opCounts(source.getGraph()), opCounts(optimized.getGraph()),
                    weightKernels(optimized.getGraph()));
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

    /**
     * Initializer -> key of the conv/matmul kernel ({@link KernelReport#INTEGER_KERNELS},
     * {@link KernelReport#FLOAT_KERNELS}) that reads it, directly or through one DequantizeLinear.
     * The kernel's weight is one of its inputs; ORT keeps the exported INT8 weight initializer's name
     * (QLinearConv input 3, QGemm input 3, float Conv input 1 via DequantizeLinear).
     */
    static Map<String, String> weightKernels(GraphProto g) {
        Set<String> inits = new HashSet<>();
        g.getInitializerList().forEach(t -> inits.add(t.getName()));
        Map<String, String> dequantized = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear") && inits.contains(n.getInput(0))) {
                dequantized.put(n.getOutput(0), n.getInput(0));
            }
        }
        Map<String, String> out = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (!KernelReport.INTEGER_KERNELS.contains(n.getOpType()) && !KernelReport.FLOAT_KERNELS.contains(n.getOpType())) {
                continue;
            }
            for (String in : n.getInputList()) {
                String w = inits.contains(in) ? in : dequantized.get(in);
                if (w != null) {
                    out.put(w, key(n));
                }
            }
        }
        return out;
    }

    private static String key(NodeProto n) {
        String domain = n.getDomain();
        return domain.isEmpty() || domain.equals("ai.onnx") ? n.getOpType() : n.getOpType() + "@" + domain;
    }

    static Map<String, Integer> opCounts(GraphProto g) {
        Map<String, Integer> counts = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            counts.merge(key(n), 1, Integer::sum);
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
