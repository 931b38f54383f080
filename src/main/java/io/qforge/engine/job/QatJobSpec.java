package io.qforge.engine.job;

import io.qforge.engine.quant.QuantConfig;
import io.qforge.engine.train.TrainConfig;

/**
 * What one QAT job does: the quantization scheme and the fine-tuning schedule. Both are validated
 * value types; their defaults are W8A8 (per-channel symmetric int8 weights, asymmetric int8
 * activations) and {@link TrainConfig#defaults()}.
 *
 * @param evalBatchSize batch size of every evaluation (FP32, PTQ, QAT, integer engine, ORT)
 */
public record QatJobSpec(QuantConfig quant, TrainConfig train, int evalBatchSize) {

    public QatJobSpec {
        if (quant == null || train == null) {
            throw new IllegalArgumentException("job spec: quant and train configs are required");
        }
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("evalBatchSize: " + evalBatchSize + " is not allowed (>= 1)");
        }
    }

    public static QatJobSpec defaults() {
        return new QatJobSpec(QuantConfig.defaults(), TrainConfig.defaults(), 256);
    }
}
