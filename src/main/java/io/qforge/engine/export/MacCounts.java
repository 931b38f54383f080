package io.qforge.engine.export;

import java.util.Set;

/**
 * Multiply-accumulates per sample of the linear ops (Conv, Gemm, MatMul), from shapes:
 * <ul>
 * <li>Conv: {@code W.numel * prod(output spatial dims)} (each output position reads one window of
 *     every output channel's {@code iC/group x kH x kW} weights);</li>
 * <li>Gemm, MatMul: {@code prod(output dims after the batch) * K}, K the reduced dimension (the
 *     weight's size along the shared axis, for Gemm with transB = 1 its dimension 1).</li>
 * </ul>
 */
public final class MacCounts {
    /** Op types whose MACs are counted. */
    public static final Set<String> LINEAR = Set.of("Conv", "Gemm", "MatMul");
    /** Key prefix of a linear op inside a float island (it has no INT8 weight initializer). */
    public static final String ISLAND_PREFIX = "island:";

    private MacCounts() {
    }

    /**
     * @param output the op's output shape (dimension 0 the batch)
     * @param weight the shape of its second input (Conv weight, Gemm B written with transB = 1 for
     *               layers, MatMul B)
     */
    static long of(String opType, long[] output, long[] weight) {
        long perRow = 1;
        for (int d = 1; d < output.length; d++) {
            perRow *= Math.max(1, output[d]);
        }
        if (opType.equals("Conv")) {
            long numel = 1;
            for (long d : weight) {
                numel *= d;
            }
            return numel * (perRow / Math.max(1, output[1]));
        }
        long k = opType.equals("Gemm") ? weight[1] : weight[weight.length - 2];
        return perRow * k;
    }
}
