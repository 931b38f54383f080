package io.qforge.engine.onnx;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.ops.ShapeInference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads an ONNX model (opsets 11..17, default domain) into the engine's {@link Graph}.
 *
 * <p>Steps: parse; check the IR version ({@value #MIN_IR_VERSION}..{@value #MAX_IR_VERSION}) and
 * the opset; decode initializers (external data refused, never opened);
 * take the one float graph input (initializers listed as inputs are dropped) and treat its
 * dimension 0 as the dynamic batch (-1); walk the nodes in topological order, folding constant
 * and shape-only computation ({@link ConstantFolder}), removing Identity/Dropout by renaming
 * (kept as Identity when they produce a graph output), normalizing attributes
 * ({@link OpNormalizer}) and inferring shapes ({@link ShapeInference}). Every unsupported
 * feature found is collected and reported in one {@link UnsupportedModelException}; malformed
 * input raises {@link InvalidModelException}.
 */
public final class OnnxImporter {

    public static final long MIN_OPSET = 11;
    public static final long MAX_OPSET = 17;
    /** Oldest IR version with opset imports (older files have none to check). */
    public static final long MIN_IR_VERSION = 3;
    /** Newest IR version ONNX Runtime 1.29 loads (it refuses 14: "max supported IR version: 13"). */
    public static final long MAX_IR_VERSION = 13;

    private OnnxImporter() {
    }

    public static Graph load(byte[] bytes) {
        return importModel(bytes).graph();
    }

    public static Graph load(Path path) {
        try {
            return load(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + path, e);
        }
    }

    public static Graph load(InputStream in) {
        try {
            return load(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model stream", e);
        }
    }

    /** Parses the bytes into a ModelProto, or throws {@link InvalidModelException}. */
    public static ModelProto parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidModelException("ONNX model is empty (0 bytes)");
        }
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidModelException("cannot parse ONNX ModelProto (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        if (!m.hasGraph()) {
            throw new InvalidModelException("ONNX ModelProto has no graph (" + bytes.length
                    + " bytes parsed; is this an ONNX file?)");
        }
        if (m.getIrVersion() <= 0) {
            throw new InvalidModelException("ONNX ModelProto has no ir_version");
        }
        return m;
    }

    /** The default-domain opset the model imports, or throws {@link InvalidModelException}. */
    public static long opset(ModelProto m) {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        if (m.getIrVersion() < 3) {
            return 1; // before opset_import existed
        }
        throw new InvalidModelException("ONNX model imports no default-domain (ai.onnx) opset");
    }

    /** Imports the model and keeps the producer information alongside the graph. */
    public static ImportedModel importModel(byte[] bytes) {
        ModelProto m = parse(bytes);
        if (m.getIrVersion() < MIN_IR_VERSION || m.getIrVersion() > MAX_IR_VERSION) {
            throw new UnsupportedModelException(List.of("model has ir_version " + m.getIrVersion()
                    + "; supported IR versions are " + MIN_IR_VERSION + " to " + MAX_IR_VERSION
                    + " (what ONNX Runtime 1.29 loads; re-export with an ONNX release of that range)"));
        }
        long opset = opset(m);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new UnsupportedModelException(List.of("model uses ONNX opset " + opset
                    + "; supported opsets are " + MIN_OPSET + " to " + MAX_OPSET
                    + " (re-export with opset_version in that range)"));
        }
        Graph g = new GraphImport(m.getGraph(), opset).run();
        return new ImportedModel(g, m.getProducerName(), m.getProducerVersion(), m.getIrVersion(), opset);
    }

    /** The ONNX name of an element type code, e.g. INT64, or the code itself if unknown. */
    static String typeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null || t == TensorProto.DataType.UNRECOGNIZED ? "code " + code : t.name();
    }
}
