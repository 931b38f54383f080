package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Unsqueeze: inserts size-1 dimensions at {@code axes} (positions in the output, negative
 * counting from its end; opset 13+: input 1, the importer turns the opset 11-12 attribute into
 * that input). Backward reshapes G to X's shape. Shape rule: {@link #shapes}.
 */
public final class UnsqueezeOp extends AxesReshapeOp {
    UnsqueezeOp(Node node) {
        super(node);
    }

    @Override
    long[] outShape(long[] x, long[] axes) {
        return outShape(node, x, axes);
    }

    static long[] outShape(Node n, long[] x, long[] axes) {
        if (axes == null || axes.length == 0) {
            throw new ShapeInferenceException("Unsqueeze '" + n.name() + "': axes are required");
        }
        int r = x.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (int a : Axes.normalize(n, axes, r)) {
            inserted[a] = true;
        }
        long[] out = new long[r];
        int k = 0;
        for (int i = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : x[k++];
        }
        return out;
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] axes = n.hasInput(1) ? Axes.constantInput(n, 1, constants, "axes") : n.attrInts("axes", null);
        return List.of(outShape(n, in.get(0), axes));
    }
}
