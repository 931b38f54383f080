package io.qforge.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import io.qforge.engine.export.OrtRunner;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.train.Evaluator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** FP32 inference of every fixture matches ONNX Runtime on the whole test split. */
class OrtParityTest {

    static java.util.List<Fixtures.Model> models() {
        return Fixtures.all();
    }

    @ParameterizedTest
    @MethodSource("models")
    void engineMatchesOnnxRuntime(Fixtures.Model model) throws Exception {
        Dataset data = model.data();
        Executor exec = new Executor(model.graph());
        INDArray ours = Evaluator.predictAll(exec, data.xTest(), 64);
        INDArray theirs;
        try (OrtRunner ort = new OrtRunner(model.bytes())) {
            theirs = ort.run(data.xTest());
        }
        assertThat(ours.shape()).isEqualTo(theirs.shape());
        assertThat(ours.shape()[0]).isEqualTo(data.testSize());
        double maxDiff = Transforms.abs(ours.sub(theirs)).maxNumber().doubleValue();
        assertThat(maxDiff).as("max |engine - ORT| for %s", model).isLessThanOrEqualTo(1e-4);
    }
}
