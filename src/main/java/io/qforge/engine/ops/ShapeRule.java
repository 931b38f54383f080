package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Output shapes of a node from its input shapes (null for an absent input) and constant inputs. */
@FunctionalInterface
public interface ShapeRule {
    List<long[]> outputs(Node n, List<long[]> in, Function<String, INDArray> constants);

    /** A rule for a single-output op. */
    static ShapeRule one(Single rule) {
        return (n, in, c) -> List.of(rule.output(n, in, c));
    }

    /** The shape of a single-output op's output. */
    @FunctionalInterface
    interface Single {
        long[] output(Node n, List<long[]> in, Function<String, INDArray> constants);
    }
}
