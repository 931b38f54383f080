package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GemmOpTest {
    private static final long M = 3;
    private static final long K = 4;
    private static final long N = 5;

    @Test
    void allTransposeCombinationsWithAlphaBetaAndBias() {
        for (long ta = 0; ta <= 1; ta++) {
            for (long tb = 0; tb <= 1; tb++) {
                Op op = op("Gemm", 3, "transA", ta, "transB", tb, "alpha", 0.7, "beta", 1.3);
                INDArray a = uniform(1, -1, 1, ta == 1 ? ints(K, M) : ints(M, K));
                INDArray b = uniform(2, -1, 1, tb == 1 ? ints(N, K) : ints(K, N));
                INDArray c = uniform(3, -1, 1, N);
                INDArray[] in = {a, b, c};
                INDArray y = op.forward(in, new OpContext(false))[0];
                INDArray ap = ta == 1 ? a.transpose() : a;
                INDArray bp = tb == 1 ? b.transpose() : b;
                INDArray expected = ap.mmul(bp).muli(0.7).addiRowVector(c.mul(1.3));
                assertThat(y.equalsWithEps(expected, 1e-12)).as("forward transA=%d transB=%d", ta, tb).isTrue();
                GradientCheck.check("Gemm transA=" + ta + " transB=" + tb + " bias [N]", op, in, 0, 1, 2);
            }
        }
    }

    @Test
    void biasShapes() {
        Op op = op("Gemm", 3, "transB", 1L, "beta", 0.5);
        INDArray a = uniform(4, -1, 1, M, K);
        INDArray b = uniform(5, -1, 1, N, K);
        GradientCheck.check("Gemm bias [1,N]", op, new INDArray[] {a, b, uniform(6, -1, 1, 1, N)}, 0, 1, 2);
        GradientCheck.check("Gemm bias [M,1]", op, new INDArray[] {a, b, uniform(7, -1, 1, M, 1)}, 0, 1, 2);
        GradientCheck.check("Gemm bias [M,N]", op, new INDArray[] {a, b, uniform(8, -1, 1, M, N)}, 0, 1, 2);
        GradientCheck.check("Gemm bias scalar", op, new INDArray[] {a, b, Nd4j.scalar(0.25)}, 0, 1, 2);
    }

    @Test
    void withoutBias() {
        Op op = op("Gemm", 2, "alpha", 2.0);
        INDArray[] in = {uniform(9, -1, 1, M, K), uniform(10, -1, 1, K, N)};
        assertThat(op.forward(in, new OpContext(false))[0].equalsWithEps(in[0].mmul(in[1]).muli(2), 1e-12)).isTrue();
        GradientCheck.check("Gemm no bias alpha 2", op, in, 0, 1);
    }
}
