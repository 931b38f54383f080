package io.qforge.engine.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches of sample indices, and gathering a batch out of a dataset.
 *
 * <p>Shuffling is deterministic: epoch {@code e} of a run with seed {@code s} visits the samples in
 * the order of a Fisher-Yates shuffle of {@code 0..n-1} driven by
 * {@code new SplittableRandom(s * 1_000_003 + e)}, so the same seed and epoch always give the same
 * batches (a resumed job replays an epoch exactly) and different epochs give different orders.
 *
 * <p>The last batch is kept even when it is partial: {@code n = 10, batchSize = 4} gives batches of
 * 4, 4 and 2, so every sample is seen once per epoch.
 */
public final class Batches {

    private Batches() {
    }

    /** The permutation of {@code 0..n-1} for this seed and epoch (Fisher-Yates). */
    public static int[] permutation(int n, long seed, int epoch) {
        requireNonNegative(n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The shuffled batches of one epoch; the last one may be smaller than {@code batchSize}. */
    public static List<int[]> shuffled(int n, int batchSize, long seed, int epoch) {
        return split(permutation(n, seed, epoch), batchSize);
    }

    /** Batches of {@code 0..n-1} in order (for evaluation); the last one may be smaller. */
    public static List<int[]> sequential(int n, int batchSize) {
        requireNonNegative(n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return split(order, batchSize);
    }

    /** Rows {@code idx} of {@code x} (along its first dimension), as a new array of the same type. */
    public static INDArray gather(INDArray x, int[] idx) {
        if (idx.length == 0) {
            throw new IllegalArgumentException("cannot gather an empty batch");
        }
        long n = x.size(0);
        for (int i : idx) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("index " + i + " is outside 0.." + (n - 1));
            }
        }
        INDArray indices = Nd4j.createFromArray(idx);
        return Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(x, indices).addIntegerArguments(0).build())[0];
    }

    /** Labels {@code y[idx[0]], y[idx[1]], ...}. */
    public static int[] gather(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = y[idx[i]];
        }
        return out;
    }

    private static List<int[]> split(int[] order, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        List<int[]> batches = new ArrayList<>((order.length + batchSize - 1) / batchSize);
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            int[] batch = new int[end - start];
            System.arraycopy(order, start, batch, 0, batch.length);
            batches.add(batch);
        }
        return batches;
    }

    private static void requireNonNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
    }
}
