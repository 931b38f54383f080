package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded float64 test arrays and one-node {@link Node}s. */
final class TestArrays {
    private TestArrays() {
    }

    static long count(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Uniform in [lo, hi), float64, c order. */
    static INDArray uniform(long seed, double lo, double hi, long... shape) {
        Random rnd = new Random(seed);
        double[] v = new double[(int) count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** Uniform magnitude in [lo, hi) with random sign: values stay at least lo away from 0. */
    static INDArray awayFromZero(long seed, double lo, double hi, long... shape) {
        Random rnd = new Random(seed);
        double[] v = new double[(int) count(shape)];
        for (int i = 0; i < v.length; i++) {
            double m = lo + (hi - lo) * rnd.nextDouble();
            v[i] = rnd.nextBoolean() ? m : -m;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** Distinct values (a shuffled grid from -1 to 1): no ties, spacing 2/n. */
    static INDArray distinct(long seed, long... shape) {
        int n = (int) count(shape);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed));
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = -1 + 2.0 * idx.get(i) / n;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** A node named after its op type with inputs i0.. and outputs y0..; attrs as key, value pairs. */
    static Node node(String opType, int nIn, int nOut, Object... attrs) {
        Map<String, Object> a = new LinkedHashMap<>();
        for (int i = 0; i < attrs.length; i += 2) {
            a.put((String) attrs[i], attrs[i + 1]);
        }
        List<String> in = new ArrayList<>();
        for (int i = 0; i < nIn; i++) {
            in.add("i" + i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nOut; i++) {
            out.add("y" + i);
        }
        return new Node(opType.toLowerCase() + "_test", opType, in, out, a);
    }

    static Op op(String opType, int nIn, Object... attrs) {
        return OpRegistry.create(node(opType, nIn, 1, attrs));
    }

    static long[] ints(long... v) {
        return v;
    }

    static String shape(INDArray a) {
        return Arrays.toString(a.shape());
    }
}
