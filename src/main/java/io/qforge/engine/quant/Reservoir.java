package io.qforge.engine.quant;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataBuffer;

/**
 * A uniform random sample of bounded size over a stream of values (reservoir sampling, Li's
 * "Algorithm L": after the reservoir is full it jumps straight to the next selected element, so a
 * batch costs O(k (1 + log(N/k))) element reads, not O(N)). Seeded: the same stream gives the
 * same sample.
 */
final class Reservoir {
    private final double[] items;
    private final SplittableRandom random;
    private int size;
    private long seen;
    private long next;
    private double w;

    Reservoir(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("reservoir: capacity " + capacity + " is not allowed (>= 1)");
        }
        this.items = new double[capacity];
        this.random = new SplittableRandom(seed);
    }

    /** Offers {@code buf[offset .. offset + n)} (a DOUBLE buffer) as the next values of the stream. */
    void offer(DataBuffer buf, long offset, long n) {
        int k = items.length;
        long pos = 0;
        while (pos < n && size < k) {
            items[size++] = buf.getDouble(offset + pos);
            pos++;
            seen++;
            if (size == k) {
                w = Math.exp(Math.log(uniform()) / k);
                skip();
            }
        }
        while (pos < n) {
            long gap = next - seen;
            if (gap >= n - pos) {
                seen += n - pos;
                return;
            }
            pos += gap;
            seen += gap;
            items[random.nextInt(k)] = buf.getDouble(offset + pos);
            pos++;
            seen++;
            w *= Math.exp(Math.log(uniform()) / k);
            skip();
        }
    }

    private void skip() {
        double jump = Math.floor(Math.log(uniform()) / Math.log1p(-w));
        next = seen + (jump >= Long.MAX_VALUE / 2 || Double.isNaN(jump) ? Long.MAX_VALUE / 2 : (long) jump);
    }

    private double uniform() {
        return 1.0 - random.nextDouble(); // (0, 1]
    }

    /** The sample (a copy). */
    double[] values() {
        return Arrays.copyOf(items, size);
    }

    int size() {
        return size;
    }

    long seen() {
        return seen;
    }
}
