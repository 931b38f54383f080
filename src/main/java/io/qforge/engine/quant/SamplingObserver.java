package io.qforge.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the observers that need the values themselves (percentile, MSE): the exact running
 * min/max per channel plus a bounded uniform random sample per channel ({@link Reservoir}).
 * Memory is bounded by {@code channels * capacity} doubles whatever the number of batches.
 */
abstract class SamplingObserver extends AbstractObserver {
    /** Default sample size per tensor (per-tensor observers): 131072 values, 1 MiB. */
    public static final int DEFAULT_TENSOR_CAPACITY = 1 << 17;
    /** Default sample size per channel (per-channel observers): 8192 values. */
    public static final int DEFAULT_CHANNEL_CAPACITY = 1 << 13;
    private static final long SEED = 0x5eedL;

    private final int capacity;
    private Reservoir[] reservoirs;
    private double[] min;
    private double[] max;

    protected SamplingObserver(int axis, int capacity) {
        super(axis);
        if (capacity < 1) {
            throw new IllegalArgumentException("observer: sample capacity " + capacity + " is not allowed (>= 1)");
        }
        this.capacity = capacity;
    }

    protected static int defaultCapacity(int axis) {
        return axis < 0 ? DEFAULT_TENSOR_CAPACITY : DEFAULT_CHANNEL_CAPACITY;
    }

    @Override
    public final INDArray observe(INDArray x) {
        checkInput(x);
        double[] lo = channelMin(x);
        double[] hi = channelMax(x);
        checkSameChannels(kind().name(), min, lo);
        int channels = lo.length;
        if (min == null) {
            min = lo;
            max = hi;
            reservoirs = new Reservoir[channels];
            for (int c = 0; c < channels; c++) {
                reservoirs[c] = new Reservoir(capacity, SEED + c);
            }
        } else {
            for (int c = 0; c < channels; c++) {
                min[c] = Math.min(min[c], lo[c]);
                max[c] = Math.max(max[c], hi[c]);
            }
        }
        INDArray rows = channelRows(x, channels);
        long perChannel = rows.size(1);
        for (int c = 0; c < channels; c++) {
            reservoirs[c].offer(rows.data(), rows.offset() + c * perChannel, perChannel);
        }
        return x;
    }

    /** x as a c-ordered DOUBLE matrix [channels, elements per channel]. */
    private INDArray channelRows(INDArray x, int channels) {
        INDArray moved = x;
        if (axis > 0) {
            int[] perm = new int[x.rank()];
            perm[0] = axis;
            for (int d = 0, k = 1; d < x.rank(); d++) {
                if (d != axis) {
                    perm[k++] = d;
                }
            }
            moved = x.permute(perm);
        }
        return moved.castTo(DataType.DOUBLE).dup('c').reshape('c', channels, x.length() / channels);
    }

    /** Samples per channel for the granularity: [channels, k] or [1, channels * k] per tensor. */
    protected final double[][] samples(Granularity granularity) {
        double[][] s = new double[reservoirs.length][];
        for (int c = 0; c < s.length; c++) {
            s[c] = reservoirs[c].values();
        }
        if (granularity == Granularity.PER_CHANNEL || s.length == 1) {
            return s;
        }
        int total = 0;
        for (double[] row : s) {
            total += row.length;
        }
        double[] all = new double[total];
        int k = 0;
        for (double[] row : s) {
            System.arraycopy(row, 0, all, k, row.length);
            k += row.length;
        }
        return new double[][] {all};
    }

    /** Exact running [min, max] per channel (or reduced to one per tensor). */
    protected final double[][] range(Granularity granularity) {
        return reduce(min, max, granularity);
    }

    @Override
    public final boolean hasObservations() {
        return min != null;
    }

    @Override
    public void reset() {
        min = null;
        max = null;
        reservoirs = null;
    }
}
