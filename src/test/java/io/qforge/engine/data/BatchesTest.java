package io.qforge.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BatchesTest {

    private static int[] flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void sameSeedAndEpochGiveTheSameBatches() {
        List<int[]> a = Batches.shuffled(1000, 64, 42, 3);
        List<int[]> b = Batches.shuffled(1000, 64, 42, 3);
        assertThat(a).hasSize(b.size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).containsExactly(b.get(i));
        }
    }

    @Test
    void otherEpochsAndSeedsGiveOtherOrders() {
        int[] base = flatten(Batches.shuffled(1000, 64, 42, 3));
        assertThat(flatten(Batches.shuffled(1000, 64, 42, 4))).isNotEqualTo(base);
        assertThat(flatten(Batches.shuffled(1000, 64, 43, 3))).isNotEqualTo(base);
        int[] identity = flatten(Batches.sequential(1000, 64));
        assertThat(base).isNotEqualTo(identity);
    }

    @Test
    void eachEpochIsAPermutationDrivenBySplittableRandomFisherYates() {
        int n = 257;
        long seed = 7;
        int epoch = 2;
        int[] expected = new int[n];
        Arrays.setAll(expected, i -> i);
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        int[] order = flatten(Batches.shuffled(n, 10, seed, epoch));
        assertThat(order).containsExactly(expected);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(flatten(Batches.sequential(n, n)));
    }

    @Test
    void keepsTheLastPartialBatch() {
        List<int[]> batches = Batches.sequential(10, 4);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0)).containsExactly(0, 1, 2, 3);
        assertThat(batches.get(2)).containsExactly(8, 9);
        assertThat(Batches.shuffled(10, 4, 1, 0).stream().mapToInt(b -> b.length).toArray()).containsExactly(4, 4, 2);
        assertThat(Batches.sequential(0, 4)).isEmpty();
        assertThatThrownBy(() -> Batches.sequential(10, 0)).hasMessage("batchSize must be >= 1, was 0");
    }

    @Test
    void gathersRowsOfAnNchwArrayAndTheirLabels() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 2, 3, 3);
        int[] idx = {4, 0, 4, 5};
        INDArray batch = Batches.gather(x, idx);
        assertThat(batch.shape()).containsExactly(4, 2, 3, 3);
        assertThat(batch.dataType()).isEqualTo(DataType.FLOAT);
        for (int i = 0; i < idx.length; i++) {
            INDArray expected = x.get(NDArrayIndex.point(idx[i]), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all());
            assertThat(batch.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()))
                    .isEqualTo(expected);
        }
        assertThat(Batches.gather(new int[] {10, 11, 12, 13, 14, 15}, idx)).containsExactly(14, 10, 14, 15);
        assertThatThrownBy(() -> Batches.gather(x, new int[] {6})).hasMessage("index 6 is outside 0..5");
    }
}
