package io.qforge.engine.job;

import io.qforge.engine.export.OrtLatency;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.Metrics;
import java.util.List;
import java.util.Map;

/**
 * The accuracy comparison a job ends with. Every accuracy is top-1 on the dataset's test split.
 *
 * @param fp32            the uploaded model, unchanged
 * @param ptqFakeQuant    post-training quantization (calibration only), simulated
 * @param ptqInt8         the same PTQ model converted and run by the integer-only engine
 * @param qatFakeQuant    after QAT fine-tuning, simulated
 * @param qatInt8         the QAT model converted and run by the integer-only engine
 * @param qatOrt          the exported QDQ file run by ONNX Runtime (optimizations on)
 * @param agreement       how closely simulation, integer engine and ONNX Runtime agree
 * @param sizes           file sizes
 * @param layers          quantization error per quantized tensor (SQNR, dB)
 * @param ortKernels      op types in ONNX Runtime's optimized graph of the exported file
 * @param ortUsesIntegerKernels every Conv/Gemm ran as an integer kernel in ONNX Runtime
 * @param epochs          the QAT epochs run in this attempt (after a resume, only the remaining ones)
 * @param latency         ONNX Runtime latency of the FP32 upload and the INT8 artifact, batch 1 and the job's batch size
 * @param floatIslands    the ops that run in float between DequantizeLinear and QuantizeLinear (no integer
 *                        kernel; docs/QUANTIZATION-POLICY.md), in graph order
 * @param integerMacShare share of the Conv/Gemm/MatMul multiply-accumulates (per sample) that ONNX Runtime's
 *                        optimized graph runs in integer kernels (QLinearConv, QGemm, ...); null without any
 */
public record JobReport(String model, Map<String, Object> quantConfig, Map<String, Object> trainConfig,
                        Metrics fp32, Metrics ptqFakeQuant, Metrics ptqInt8, Metrics qatFakeQuant, Metrics qatInt8,
                        Metrics qatOrt, Agreement agreement, Sizes sizes, List<LayerError> layers,
                        Map<String, Integer> ortKernels, boolean ortUsesIntegerKernels, List<EpochResult> epochs,
                        OrtLatency latency, List<FloatIsland> floatIslands, Double integerMacShare) {

    public JobReport {
        floatIslands = List.copyOf(floatIslands);
        layers = List.copyOf(layers);
        ortKernels = Map.copyOf(ortKernels);
        epochs = List.copyOf(epochs);
    }

    /**
     * @param simulationVsInt8Top1       fraction of test samples whose arg-max is the same in the
     *                                   fake-quant simulation and the integer engine
     * @param simulationVsInt8Within1Lsb fraction of quantized output values (before any final
     *                                   softmax) within one step of each other, simulation vs
     *                                   integer engine
     * @param int8VsOrtTop1              same as the first, integer engine vs ONNX Runtime
     * @param int8VsOrtWithin1Lsb        same as the second, integer engine vs ONNX Runtime
     */
    public record Agreement(double simulationVsInt8Top1, double simulationVsInt8Within1Lsb, double int8VsOrtTop1,
                            double int8VsOrtWithin1Lsb) {
    }

    /** Bytes of the uploaded FP32 ONNX file and of the exported INT8 QDQ file. */
    public record Sizes(long fp32Bytes, long int8Bytes) {
        public double ratio() {
            return fp32Bytes == 0 ? 0 : (double) int8Bytes / fp32Bytes;
        }
    }

    /** One float island: the node (FP32 graph name) and its op type; a fused Relu/Clip is part of it. */
    public record FloatIsland(String node, String opType) {
    }

    /**
     * Signal-to-quantization-noise ratio of one quantized tensor, FP32 vs integer engine; null when
     * the two are identical (infinite SQNR).
     */
    public record LayerError(String tensor, String layer, String opType, Double sqnrDb) {
    }
}
