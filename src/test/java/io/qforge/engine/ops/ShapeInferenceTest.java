package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeInferenceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShapeInferenceTest {

    private static long[] one(String op, Map<String, Object> attrs, Map<String, INDArray> consts, long[]... in) {
        String[] names = new String[in.length];
        for (int i = 0; i < in.length; i++) {
            names[i] = "i" + i;
        }
        Node n = new Node("n", op, List.of(names), List.of("y"), attrs);
        return ShapeInference.inferNode(n, Arrays.asList(in), consts::get).get(0);
    }

    private static long[] s(long... d) {
        return d;
    }

    @Test
    void matMulBroadcastsBatchDimensionsAndPromotesVectors() {
        assertThat(one("MatMul", Map.of(), Map.of(), s(-1, 1, 4, 5), s(3, 5, 6))).containsExactly(-1, 3, 4, 6);
        assertThat(one("MatMul", Map.of(), Map.of(), s(-1, 5), s(5))).containsExactly(-1);
        assertThat(one("MatMul", Map.of(), Map.of(), s(5), s(2, 5, 7))).containsExactly(2, 7);
        assertThatThrownBy(() -> one("MatMul", Map.of(), Map.of(), s(-1, 4), s(5, 2)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("MatMul 'n': inner dimensions disagree");
    }

    @Test
    void gemmHonoursTransposesAndChecksBias() {
        assertThat(one("Gemm", Map.of("transA", 1L, "transB", 1L), Map.of(), s(8, -1), s(3, 8))).containsExactly(-1, 3);
        assertThatThrownBy(() -> one("Gemm", Map.of(), Map.of(), s(-1, 8), s(8, 3), s(4)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("C [4] does not broadcast to [-1, 3]");
    }

    @Test
    void reshapeCopiesZeroAndInfersMinusOneKeepingTheBatch() {
        Map<String, INDArray> c = Map.of("i1", Nd4j.createFromArray(0L, -1L));
        assertThat(one("Reshape", Map.of(), c, s(-1, 16, 5, 5), s(2))).containsExactly(-1, 400);
        c = Map.of("i1", Nd4j.createFromArray(-1L, 25L));
        assertThat(one("Reshape", Map.of(), c, s(-1, 5, 5), s(2))).containsExactly(-1, 25);
        Map<String, INDArray> merge = Map.of("i1", Nd4j.createFromArray(-1L));
        assertThatThrownBy(() -> one("Reshape", Map.of(), merge, s(-1, 5, 5), s(1)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("merge the dynamic batch dimension");
        Map<String, INDArray> fixed = Map.of("i1", Nd4j.createFromArray(1L, 25L));
        assertThatThrownBy(() -> one("Reshape", Map.of(), fixed, s(-1, 5, 5), s(2)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("fixed shape cannot hold a batch");
    }

    @Test
    void broadcastingAndConcat() {
        assertThat(one("Add", Map.of(), Map.of(), s(-1, 4, 1, 3), s(5, 1))).containsExactly(-1, 4, 5, 3);
        assertThatThrownBy(() -> one("Mul", Map.of(), Map.of(), s(-1, 4), s(3, 4)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("dynamic batch dimension");
        assertThat(one("Concat", Map.of("axis", -3L), Map.of(), s(-1, 2, 4, 4), s(-1, 5, 4, 4))).containsExactly(-1, 7, 4, 4);
        assertThatThrownBy(() -> one("Concat", Map.of("axis", 1L), Map.of(), s(-1, 2, 4, 4), s(-1, 5, 4, 3)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("outside axis 1");
    }

    @Test
    void flattenAndConvChannelChecks() {
        assertThat(one("Flatten", Map.of("axis", 1L), Map.of(), s(-1, 3, 2, 2))).containsExactly(-1, 12);
        assertThatThrownBy(() -> one("Flatten", Map.of("axis", 2L), Map.of(), s(-1, 3, 2, 2)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("batch dimension");
        assertThatThrownBy(() -> one("Conv", Map.of("group", 2L), Map.of(), s(-1, 4, 8, 8), s(6, 3, 3, 3)))
                .isInstanceOf(ShapeInferenceException.class).hasMessageContaining("input has 4 channels");
    }
}
