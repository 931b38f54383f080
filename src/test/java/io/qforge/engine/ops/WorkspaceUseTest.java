package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training step the way the executor runs it: forward and backward inside one workspace
 * scope, parameters (initializers) outside it. Outputs and gradients are workspace arrays; the
 * BatchNorm running statistics, updated in place, stay detached and keep their values after the
 * scope closes. Repeated steps give identical results (no state carried between steps).
 */
class WorkspaceUseTest {
    private static final WorkspaceConfiguration CONF = WorkspaceConfiguration.builder()
            .initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .build();

    @Test
    void convBatchNormStepInsideWorkspace() {
        Op conv = op("Conv", 3, "pads", ints(0, 1, 1, 0), "group", 2L);
        Op bn = op("BatchNormalization", 5, "momentum", 0.9);
        INDArray w = uniform(1, -1, 1, 4, 2, 3, 3).castTo(DataType.FLOAT);
        INDArray b = uniform(2, -1, 1, 4).castTo(DataType.FLOAT);
        INDArray gamma = Nd4j.ones(DataType.FLOAT, 4);
        INDArray beta = Nd4j.zeros(DataType.FLOAT, 4);
        INDArray runMean = Nd4j.zeros(DataType.FLOAT, 4);
        INDArray runVar = Nd4j.ones(DataType.FLOAT, 4);
        INDArray x = uniform(3, -1, 1, 2, 4, 6, 6).castTo(DataType.FLOAT);
        double[] dwSums = new double[3];
        double expectedMean0 = 0;
        for (int step = 0; step < 3; step++) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONF, "ops-test")) {
                OpContext cctx = new OpContext(true);
                OpContext bctx = new OpContext(true);
                INDArray h = conv.forward(new INDArray[] {x, w, b}, cctx)[0];
                INDArray[] bnIn = {h, gamma, beta, runMean, runVar};
                INDArray y = bn.forward(bnIn, bctx)[0];
                assertThat(y.isAttached()).isTrue();
                INDArray[] gbn = bn.backward(bnIn, new INDArray[] {y}, new INDArray[] {y}, bctx);
                INDArray[] gc = conv.backward(new INDArray[] {x, w, b}, new INDArray[] {h}, new INDArray[] {gbn[0]}, cctx);
                dwSums[step] = gc[1].sumNumber().doubleValue();
                double batchMean0 = h.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0)).meanNumber().doubleValue();
                expectedMean0 = expectedMean0 * 0.9 + 0.1 * batchMean0;
            }
            assertThat(runMean.isAttached()).isFalse();
            assertThat(runMean.getDouble(0)).isCloseTo(expectedMean0, org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(dwSums[1]).isEqualTo(dwSums[0]);
        assertThat(dwSums[2]).isEqualTo(dwSums[0]);
    }
}
