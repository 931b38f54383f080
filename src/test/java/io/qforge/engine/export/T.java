package io.qforge.engine.export;

import java.util.Arrays;

/** A float64 tensor in row-major (C) order, for the test reference. */
record T(double[] v, int[] shape) {

    T {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != v.length) {
            throw new IllegalArgumentException(v.length + " values for shape " + Arrays.toString(shape));
        }
    }

    static T zeros(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return new T(new double[n], shape);
    }

    static T of(float[] x, long[] shape) {
        double[] v = new double[x.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = x[i];
        }
        return new T(v, Arrays.stream(shape).mapToInt(d -> (int) d).toArray());
    }

    int dim(int i) {
        return shape[i];
    }

    double min() {
        return Arrays.stream(v).min().orElseThrow();
    }

    double max() {
        return Arrays.stream(v).max().orElseThrow();
    }

    T reshape(int... s) {
        return new T(v, s);
    }

    long[] longShape() {
        return Arrays.stream(shape).mapToLong(d -> d).toArray();
    }
}
