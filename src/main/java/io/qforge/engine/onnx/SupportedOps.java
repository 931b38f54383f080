package io.qforge.engine.onnx;

import io.qforge.engine.ops.OpTable;
import java.util.Set;

/** The ONNX op types qforge accepts: kept as graph nodes ({@link OpTable}), rewritten, or folded at import. */
public final class SupportedOps {

    /** Op types that may remain in an imported graph: the {@link OpTable}'s. */
    public static final Set<String> RUNTIME = OpTable.types();

    /**
     * Op types rewritten at import into other {@link #RUNTIME} ones where that is exact (none are
     * only rewritten today): ReduceMean over the spatial axes of a 4-D tensor becomes
     * GlobalAveragePool (+ Flatten without keepdims); a Pad that adds nothing (PyTorch writes one
     * before AvgPool2d) is dropped, and a constant-zero Pad feeding only a Conv or an AveragePool
     * is folded into its pads. Otherwise they run as themselves.
     */
    public static final Set<String> REWRITTEN = Set.of();

    /**
     * Op types accepted only when they can be evaluated at import time (constant or
     * static-shape inputs); they never appear in an imported graph.
     */
    public static final Set<String> FOLDED = ConstantFolder.FOLD_ONLY;

    private SupportedOps() {
    }

    /** True if a model may contain this op type (kept or folded). */
    public static boolean isAccepted(String opType) {
        return RUNTIME.contains(opType) || REWRITTEN.contains(opType) || ConstantFolder.FOLDABLE.contains(opType);
    }
}
