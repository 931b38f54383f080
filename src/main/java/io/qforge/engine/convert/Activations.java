package io.qforge.engine.convert;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;

/** The {@link IntLayer.Clip} of a fused Relu / constant Clip node (null node: none). */
final class Activations {
    private Activations() {
    }

    static IntLayer.Clip clip(Graph g, Node act) {
        if (act == null) {
            return IntLayer.Clip.NONE;
        }
        if (act.opType().equals("Relu")) {
            return IntLayer.Clip.RELU;
        }
        double lo = act.hasInput(1) ? IntModelConverter.initializer(g, act.input(1), act).getDouble(0)
                : Double.NEGATIVE_INFINITY;
        double hi = act.hasInput(2) ? IntModelConverter.initializer(g, act.input(2), act).getDouble(0)
                : Double.POSITIVE_INFINITY;
        return new IntLayer.Clip(lo, hi);
    }
}
