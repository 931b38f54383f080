package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX Squeeze: removes the size-1 dimensions listed in {@code axes} (opset 13+: input 1; the
 * importer turns the opset 11-12 attribute into that input and makes absent axes explicit, so the
 * dynamic batch is never squeezed by accident). Without axes every size-1 dimension goes.
 * Backward reshapes G to X's shape. Shape rule: {@link #shapes}.
 */
public final class SqueezeOp extends AxesReshapeOp {
    SqueezeOp(Node node) {
        super(node);
    }

    @Override
    long[] outShape(long[] x, long[] axes) {
        return outShape(node, x, axes);
    }

    static long[] outShape(Node n, long[] x, long[] axes) {
        boolean[] drop = new boolean[x.length];
        if (axes == null) {
            for (int i = 0; i < x.length; i++) {
                drop[i] = x[i] == 1;
            }
        } else {
            for (int a : Axes.normalize(n, axes, x.length)) {
                if (x[a] != 1) {
                    throw new ShapeInferenceException("Squeeze '" + n.name() + "': axis " + a + " of "
                            + Arrays.toString(x) + " is not of size 1", x[a] < 0);
                }
                drop[a] = true;
            }
        }
        return java.util.stream.IntStream.range(0, x.length).filter(i -> !drop[i]).mapToLong(i -> x[i]).toArray();
    }

    public static List<long[]> shapes(Node n, List<long[]> in, Function<String, INDArray> constants) {
        long[] axes = n.hasInput(1) ? Axes.constantInput(n, 1, constants, "axes") : n.attrInts("axes", null);
        return List.of(outShape(n, in.get(0), axes));
    }
}
