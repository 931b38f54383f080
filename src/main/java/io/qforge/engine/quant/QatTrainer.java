package io.qforge.engine.quant;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.Optimizer;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.TrainResult;
import io.qforge.engine.train.Trainer;
import io.qforge.engine.train.TrainingListener;
import java.util.function.BooleanSupplier;

/**
 * QAT fine-tuning: {@link Trainer} on the prepared graph with fake quantization on, and the
 * schedule of {@link QuantConfig}:
 * <ul>
 * <li>observers update during the training steps of epoch e unless
 *     {@link QuantConfig#observersFrozenAt}(e); they are off during the end-of-epoch test
 *     evaluation (test data never moves a range) and always off with learned ranges (LSQ learns
 *     the scales; zero points stay as calibrated);</li>
 * <li>BatchNorm statistics freeze from {@link QuantConfig#freezeBatchNormAfterEpoch()} (this
 *     overrides the value in the given {@link TrainConfig});</li>
 * <li>LSQ scales are clamped positive after every step and adopted into the quantizers' params at
 *     the end.</li>
 * </ul>
 * Afterwards observers are off and fake quantization on, ready for evaluation and conversion.
 */
public final class QatTrainer {
    private QatTrainer() {
    }

    public static TrainResult fit(QatModel model, Dataset data, TrainConfig train, TrainingListener listener,
                                  BooleanSupplier stop) {
        return fit(model, data, train, 0, listener, stop);
    }

    /**
     * Trains from {@code firstEpoch} (resuming) to {@code train.epochs()}.
     *
     * @throws IllegalStateException when the model is not calibrated ({@link Calibrator#calibrate} first)
     */
    public static TrainResult fit(QatModel model, Dataset data, TrainConfig train, int firstEpoch,
                                  TrainingListener listener, BooleanSupplier stop) {
        return fit(model, data, train, firstEpoch, Optimizer.of(train), listener, stop);
    }

    /** As above, with the caller's optimizer (restored from a checkpoint when resuming). */
    public static TrainResult fit(QatModel model, Dataset data, TrainConfig train, int firstEpoch, Optimizer optimizer,
                                  TrainingListener listener, BooleanSupplier stop) {
        if (!model.calibrated()) {
            throw new IllegalStateException("QAT model '" + model.graph().name()
                    + "' is not calibrated: run Calibrator.calibrate before QAT training");
        }
        QuantConfig q = model.config();
        TrainConfig cfg = train.withFreezeBatchNormAfterEpoch(q.freezeBatchNormAfterEpoch());
        model.setFakeQuantEnabled(true);
        try {
            return new Trainer(model.executor(), cfg, optimizer).fit(data, firstEpoch, new Schedule(model, listener), stop);
        } finally {
            model.setObserversEnabled(false);
            model.setFakeQuantEnabled(true);
            model.adoptLearnedScales();
        }
    }

    /** Flips the observer switches at epoch boundaries and forwards every callback. */
    private record Schedule(QatModel model, TrainingListener delegate) implements TrainingListener {
        @Override
        public void onEpochStart(int epoch) {
            QuantConfig q = model.config();
            model.setObserversEnabled(!model.learnedRanges() && !q.observersFrozenAt(epoch));
            delegate.onEpochStart(epoch);
        }

        @Override
        public void onStep(int epoch, int step, int stepsPerEpoch, double loss, double accuracy, double ips) {
            if (step == stepsPerEpoch - 1) {
                model.setObserversEnabled(false); // the test evaluation follows the last step
            }
            model.lsqScales().values().forEach(s -> LsqFakeQuantOp.clampScaleInPlace(model.graph().initializer(s)));
            delegate.onStep(epoch, step, stepsPerEpoch, loss, accuracy, ips);
        }

        @Override
        public void onEpoch(EpochResult result) {
            delegate.onEpoch(result);
        }
    }
}
