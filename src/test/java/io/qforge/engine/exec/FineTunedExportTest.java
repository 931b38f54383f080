package io.qforge.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.onnx.OnnxExporter;
import io.qforge.engine.train.Evaluator;
import io.qforge.engine.train.TrainConfig;
import io.qforge.engine.train.Trainer;
import io.qforge.engine.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** A fine-tuned graph exported back to ONNX runs in ONNX Runtime with the engine's outputs. */
class FineTunedExportTest {

    @Test
    void exportedFineTunedModelMatchesTheEngineInOnnxRuntime() throws Exception {
        Graph g = Fixtures.LENET.graph();
        Dataset data = Fixtures.LENET.data();
        Executor exec = new Executor(g);
        INDArray before = Evaluator.predictAll(exec, data.xTest(), 128);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(32)
                .withOptimizer(TrainConfig.OptimizerKind.SGD, 0.05);
        new Trainer(exec, cfg).fit(data, TrainingListener.NONE, () -> false);
        INDArray ours = Evaluator.predictAll(exec, data.xTest(), 128);
        assertThat(Transforms.abs(ours.sub(before)).maxNumber().doubleValue())
                .as("training changed the model").isGreaterThan(1e-3);

        byte[] exported = OnnxExporter.toBytes(g);
        try (OrtRunner ort = new OrtRunner(exported)) {
            INDArray theirs = ort.run(data.xTest());
            assertThat(Transforms.abs(ours.sub(theirs)).maxNumber().doubleValue()).isLessThanOrEqualTo(1e-4);
        }
    }
}
