package io.qforge.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class OrtRunnerTest {
    @Test
    void batchedRunsEqualOneRunOverTheWholeInput() throws Exception {
        INDArray x = Fixtures.LENET.data().xTest().get(NDArrayIndex.interval(0, 50));
        try (OrtRunner ort = new OrtRunner(Fixtures.LENET.bytes())) {
            INDArray whole = ort.run(x);
            INDArray batched = ort.runBatched(x, 7);
            assertThat(batched.shape()).isEqualTo(whole.shape());
            assertThat(batched.equalsWithEps(whole, 1e-6)).isTrue();
            assertThat(ort.runBatched(x, 64).equalsWithEps(whole, 0)).isTrue();
        }
    }
}
