package io.qforge.engine.job;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.convert.IntModelConverter;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.DatasetValidator;
import io.qforge.engine.exec.Executor;
import io.qforge.engine.export.EncodingsJson;
import io.qforge.engine.export.KernelReport;
import io.qforge.engine.export.OrtKernelCheck;
import io.qforge.engine.export.OrtLatency;
import io.qforge.engine.export.QdqExporter;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.int8.IntExecutor;
import io.qforge.engine.onnx.OnnxImporter;
import io.qforge.engine.quant.Calibrator;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QatTrainer;
import io.qforge.engine.train.EpochResult;
import io.qforge.engine.train.Evaluator;
import io.qforge.engine.train.Metrics;
import io.qforge.engine.train.Optimizer;
import io.qforge.engine.train.TrainResult;
import io.qforge.engine.train.TrainingListener;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * One whole QAT job, the engine's single entry point for the service: import, FP32 baseline, PTQ
 * baseline (calibrate, simulate, convert, integer engine), QAT fine-tuning with a checkpoint per
 * epoch, conversion to an integer model, evaluation by the simulation, the integer-only engine
 * and ONNX Runtime on the exported file, export (QDQ ONNX + encodings JSON).
 *
 * <p>{@code stop} is polled between training steps and between phases; when it returns true the
 * job ends with a {@link CancellationException}. Exceptions thrown by the listener propagate.
 */
public final class QatJob {
    /** ONNX Runtime latency in the report: untimed runs, then the median of timed ones, per model and batch size. */
    static final int LATENCY_WARMUP_RUNS = 3;
    static final int LATENCY_TIMED_RUNS = 15;
    private final QatJobSpec spec;
    private final JobListener listener;
    private final BooleanSupplier stop;

    QatJob(QatJobSpec spec, JobListener listener, BooleanSupplier stop) {
        this.spec = spec;
        this.listener = listener;
        this.stop = stop;
    }

    /**
     * @param model      the FP32 ONNX file
     * @param resumeFrom a state given earlier to {@link JobListener#checkpoint}, or null
     */
    public static JobResult run(byte[] model, Dataset data, QatJobSpec spec, JobListener listener,
                                BooleanSupplier stop, byte[] resumeFrom) {
        try {
            return new QatJob(spec, listener, stop).run(model, data, resumeFrom);
        } finally {
            io.qforge.engine.train.Workspaces.releaseAll();
        }
    }

    private JobResult run(byte[] modelBytes, Dataset data, byte[] resumeFrom) {
        int bs = spec.evalBatchSize();
        StepTimer t = new StepTimer(listener);
        phase(JobPhase.LOADING);
        Graph fp32 = OnnxImporter.load(modelBytes);
        long[] outShape = fp32.shapes().get(fp32.outputs().get(0).name());
        DatasetValidator.validate(data, fp32.inputs().get(0).shape(), (int) outShape[outShape.length - 1]);

        phase(JobPhase.BASELINE);
        Metrics fp32Metrics = Evaluator.evaluate(new Executor(fp32), data.xTest(), data.yTest(), bs);

        phase(JobPhase.CALIBRATING);
        QatModel ptq = t.time("ptq.calibration", () -> calibrated(fp32, data));
        IntModel ptqInt = t.time("ptq.conversion", () -> IntModelConverter.convert(ptq));
        var ptqMetrics = Concurrently.run(
                () -> t.time("ptq.simulation", () -> Evaluator.evaluate(ptq.float64Executor(), data.xTest(), data.yTest(), bs)),
                () -> t.time("ptq.int8", () -> JobEvaluation.intMetrics(new IntExecutor(ptqInt), data, bs)));
        Metrics ptqFake = ptqMetrics.first();
        Metrics ptqInt8 = ptqMetrics.second();
        // A fresh job fine-tunes the PTQ model itself: it is what a second calibration would give
        // (same data, same seeded batches), and evaluation and conversion only read it.
        Training training = resumeFrom == null ? new Training(ptq, Optimizer.of(spec.train()), 0)
                : t.time("qat.calibration", () -> trainingModel(fp32, data, resumeFrom));
        QatModel qat = training.model();

        phase(JobPhase.TRAINING);
        TrainResult trained = train(training, data);
        if (trained.stopped()) {
            throw new CancellationException("stopped during QAT training");
        }

        phase(JobPhase.CONVERTING);
        IntModel intModel = t.time("conversion", () -> IntModelConverter.convert(qat));
        QdqExporter.Exported exported = t.time("export", () -> QdqExporter.export(intModel));
        byte[] qdq = exported.bytes();

        phase(JobPhase.EVALUATING);
        IntExecutor int8 = new IntExecutor(intModel);
        JobEvaluation eval = JobEvaluation.of(qat, intModel, int8, qdq, data, bs, t);

        phase(JobPhase.EXPORTING);
        KernelReport kernels = t.time("ort.kernelCheck", () -> OrtKernelCheck.check(qdq));
        List<JobReport.LayerError> layers = t.time("sqnr", () -> LayerErrors.of(qat, intModel, int8, data.xTrain(), bs));
        OrtLatency latency = t.time("ort.latency", () -> OrtLatency.measure(modelBytes, qdq, data.xTest(),
                List.of(1, spec.train().batchSize()), LATENCY_WARMUP_RUNS, LATENCY_TIMED_RUNS));
        JobReport report = new JobReport(fp32.name(), Records.toMap(spec.quant()), Records.toMap(spec.train()),
                fp32Metrics, ptqFake, ptqInt8, eval.fakeQuant(), eval.int8(), eval.ort(), eval.agreement(),
                new JobReport.Sizes(modelBytes.length, qdq.length), layers, kernels.optimizedOps(),
                kernels.usesIntegerKernels(), trained.epochs(), latency,
                floatIslands(intModel), kernels.integerMacShare(exported.macs()));
        String encodings = t.time("encodings", () -> EncodingsJson.toJson(intModel));
        return new JobResult(report, qdq, encodings);
    }

    static List<JobReport.FloatIsland> floatIslands(IntModel m) {
        return m.layers().stream().filter(l -> l instanceof IntLayer.FloatIsland)
                .map(l -> new JobReport.FloatIsland(l.name(), ((IntLayer.FloatIsland) l).opType())).toList();
    }

    /** The model QAT fine-tunes and the epoch it starts at: calibrated afresh, then restored from the checkpoint if any. */
    record Training(QatModel model, Optimizer optimizer, int firstEpoch) {}

    Training trainingModel(Graph fp32, Dataset data, byte[] resumeFrom) {
        QatModel qat = calibrated(fp32, data);
        Optimizer optimizer = Optimizer.of(spec.train());
        int firstEpoch = resumeFrom == null ? 0 : QatCheckpoint.restore(qat, optimizer, resumeFrom);
        return new Training(qat, optimizer, firstEpoch);
    }

    /** QAT from {@code training.firstEpoch()}; a checkpoint goes to the listener after every epoch. */
    TrainResult train(Training training, Dataset data) {
        return QatTrainer.fit(training.model(), data, spec.train(), training.firstEpoch(), training.optimizer(),
                trainingListener(training), stop);
    }

    private QatModel calibrated(Graph fp32, Dataset data) {
        QatModel m = QatModel.prepare(fp32, spec.quant());
        Calibrator.calibrate(m, data.xTrain(), spec.train().batchSize(), spec.quant().calibrationBatches());
        checkStop();
        return m;
    }

    private TrainingListener trainingListener(Training training) {
        int total = spec.train().epochs();
        return new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int steps, double loss, double acc, double ips) {
                listener.step(epoch, total, step, steps, loss, acc, ips);
            }

            @Override
            public void onEpoch(EpochResult r) {
                listener.epoch(r, total);
                listener.checkpoint(r.epoch() + 1, QatCheckpoint.write(training.model(), r.epoch() + 1,
                        training.optimizer()));
            }
        };
    }

    private void phase(JobPhase p) {
        checkStop();
        listener.phase(p);
    }

    private void checkStop() {
        if (stop.getAsBoolean()) {
            throw new CancellationException("stopped");
        }
    }
}
