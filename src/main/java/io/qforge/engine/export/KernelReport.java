package io.qforge.engine.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Op-type counts of a QDQ model before and after ONNX Runtime's graph optimizations. Keys are the
 * op type, followed by {@code @domain} for ops outside the default ONNX domain (for example
 * {@code QLinearConv@com.microsoft}, the NHWC form ORT's layout transformer produces).
 *
 * @param sourceOps     op counts of the model as exported
 * @param optimizedOps  op counts of the graph ONNX Runtime runs (optimization level ALL)
 * @param weightKernels for each initializer a conv/matmul kernel of the optimized graph reads as
 *                      its weight (directly, or through one DequantizeLinear), that kernel's key
 *                      as in {@code optimizedOps} (e.g. {@code QLinearConv@com.microsoft}, or
 *                      {@code Conv} when it runs in float)
 */
public record KernelReport(Map<String, Integer> sourceOps, Map<String, Integer> optimizedOps,
                           Map<String, String> weightKernels) {

    /** Integer convolution / matrix-product kernels (any domain). */
    public static final Set<String> INTEGER_KERNELS = Set.of("QLinearConv", "QLinearMatMul", "QGemm",
            "MatMulInteger", "ConvInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "NhwcQLinearConv");
    /** Float convolution / matrix-product kernels (any domain, including ORT's fused and NCHWc forms). */
    public static final Set<String> FLOAT_KERNELS = Set.of("Conv", "Gemm", "MatMul", "FusedConv", "FusedGemm",
            "FusedMatMul", "NchwcConv", "ConvTranspose");

    public KernelReport {
        sourceOps = new TreeMap<>(sourceOps);
        optimizedOps = new TreeMap<>(optimizedOps);
        weightKernels = new TreeMap<>(weightKernels);
    }

    public KernelReport(Map<String, Integer> sourceOps, Map<String, Integer> optimizedOps) {
        this(sourceOps, optimizedOps, Map.of());
    }

    /**
     * The share of multiply-accumulates that ONNX Runtime runs in integer kernels: MACs of the
     * entries of {@code macs} ({@link QdqExporter.Exported#macs()}) whose weight an integer kernel
     * reads, over all of them. A float island's linear op, or a weight no kernel reads as its
     * weight, counts as float. Null when the model has no Conv/Gemm/MatMul.
     */
    public Double integerMacShare(Map<String, Long> macs) {
        long total = 0;
        long integer = 0;
        for (Map.Entry<String, Long> e : macs.entrySet()) {
            total += e.getValue();
            String kernel = weightKernels.get(e.getKey());
            if (kernel != null && INTEGER_KERNELS.contains(opType(kernel))) {
                integer += e.getValue();
            }
        }
        return total == 0 ? null : (double) integer / total;
    }

    /** Count of {@code opType} in the optimized graph, summed over domains. */
    public int optimized(String opType) {
        return count(optimizedOps, opType);
    }

    /** Count of {@code opType} in the exported graph, summed over domains. */
    public int source(String opType) {
        return count(sourceOps, opType);
    }

    /** Conv, Gemm and MatMul nodes of the exported model: each should become an integer kernel. */
    public int sourceGemmLike() {
        return source("Conv") + source("Gemm") + source("MatMul");
    }

    /** Integer conv/matmul kernels in the optimized graph. */
    public int integerKernels() {
        return INTEGER_KERNELS.stream().mapToInt(this::optimized).sum();
    }

    /** Float conv/matmul kernels left in the optimized graph (keys as in {@link #optimizedOps()}). */
    public List<String> floatKernels() {
        List<String> found = new ArrayList<>();
        optimizedOps.forEach((k, n) -> {
            if (FLOAT_KERNELS.contains(opType(k))) {
                found.add(k + " x" + n);
            }
        });
        return found;
    }

    /**
     * True when every Conv/Gemm/MatMul of the exported model became an integer kernel: at least as
     * many integer kernels as source Conv/Gemm/MatMul nodes, and no float conv/matmul kernel left.
     */
    public boolean usesIntegerKernels() {
        return integerKernels() >= sourceGemmLike() && floatKernels().isEmpty();
    }

    private static int count(Map<String, Integer> ops, String opType) {
        int n = 0;
        for (Map.Entry<String, Integer> e : ops.entrySet()) {
            if (opType(e.getKey()).equals(opType)) {
                n += e.getValue();
            }
        }
        return n;
    }

    private static String opType(String key) {
        int at = key.indexOf('@');
        return at < 0 ? key : key.substring(0, at);
    }
}
