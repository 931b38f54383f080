package io.qforge.engine.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Int8GemmTest {

    @Test
    void exactOnRandomShapesWithExtremesZeroPointsAndBias() {
        Random rnd = new Random(10);
        int[][] shapes = {{1, 1, 1}, {1, 7, 1}, {3, 1, 5}, {2, 3, 4}, {17, 33, 9}, {64, 300, 10}, {5, 1152, 64},
            {128, 64, 130}};
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            INDArray a = Int8Reference.randomInt8(rnd, m, k);
            INDArray b = Int8Reference.randomInt8(rnd, k, n);
            byte[] ab = Int8Arrays.bytes(a, "a");
            byte[] bb = Int8Arrays.bytes(b, "b");
            int[][] zas = {{0}, {-128}, {127}, randomZeroPoints(rnd, m)};
            int[][] zbs = {{0}, {-128}, randomZeroPoints(rnd, n)};
            for (int[] za : zas) {
                for (int[] zb : zbs) {
                    int[] bias = rnd.nextBoolean() ? null : rnd.ints(n, -100_000, 100_000).toArray();
                    INDArray acc = Int8Gemm.gemm(a, za, b, zb, null, bias);
                    assertThat(acc.dataType()).isEqualTo(DataType.INT32);
                    assertThat(acc.shape()).containsExactly(m, n);
                    assertThat(Int8Reference.longs(acc)).as(Arrays.toString(s) + " za " + Arrays.toString(za)
                            + " zb " + Arrays.toString(zb)).containsExactly(Int8Reference.gemm(ab, za, bb, zb, bias,
                            m, k, n));
                }
            }
        }
    }

    @Test
    void allExtremeValuesAtLargeK() {
        int m = 4;
        int k = 4096;
        int n = 3;
        for (int[] v : new int[][] {{-128, -128}, {-128, 127}, {127, 127}}) {
            INDArray a = Nd4j.valueArrayOf(new long[] {m, k}, v[0], DataType.INT8);
            INDArray b = Nd4j.valueArrayOf(new long[] {k, n}, v[1], DataType.INT8);
            INDArray acc = Int8Gemm.gemm(a, new int[] {0}, b, new int[] {0});
            assertThat(acc.getInt(0, 0)).isEqualTo(k * v[0] * v[1]);
            // with zero points (a - 127)(b + 128): (-255)(0) for a = -128, b = -128
            INDArray acc2 = Int8Gemm.gemm(a, new int[] {127}, b, new int[] {-128});
            assertThat(acc2.getInt(3, 2)).isEqualTo(k * (v[0] - 127) * (v[1] + 128));
        }
    }

    @Test
    void viewsAndTransposedInputsAreHandled() {
        Random rnd = new Random(12);
        INDArray bt = Int8Reference.randomInt8(rnd, 8, 6);     // [N, K]
        INDArray a = Int8Reference.randomInt8(rnd, 5, 6);
        INDArray acc = Int8Gemm.gemm(a, new int[] {3}, bt.transpose(), new int[] {-2});
        long[] expected = Int8Reference.gemm(Int8Arrays.bytes(a, "a"), new int[] {3},
                Int8Arrays.bytes(bt.transpose(), "b"), new int[] {-2}, null, 5, 6, 8);
        assertThat(Int8Reference.longs(acc)).containsExactly(expected);
    }

    @Test
    void badInputsAreRefusedWithTheReason() {
        INDArray a = Nd4j.create(DataType.INT8, 2, 3);
        assertThatThrownBy(() -> Int8Gemm.gemm(a, new int[] {0}, Nd4j.create(DataType.INT8, 4, 2), new int[] {0}))
                .hasMessageContaining("A is [2, 3] but B is [4, 2]");
        assertThatThrownBy(() -> Int8Gemm.gemm(a, new int[] {0}, Nd4j.create(DataType.FLOAT, 3, 2), new int[] {0}))
                .hasMessageContaining("B type FLOAT is not allowed (INT8)");
        assertThatThrownBy(() -> Int8Gemm.gemm(a, new int[] {0, 0, 0}, Nd4j.create(DataType.INT8, 3, 2),
                new int[] {0})).hasMessageContaining("3 zero points of A (need 1 or one per 2 rows)");
        assertThatThrownBy(() -> Int8Gemm.gemm(Nd4j.create(DataType.INT8, 1, 131073), new int[] {0},
                Nd4j.create(DataType.INT8, 131073, 1), new int[] {0}))
                .hasMessageContaining("K = 131073 is not allowed (<= 131072");
    }

    @Test
    void accumulatorOverflowIsReportedNotWrapped() {
        int k = (int) Int8Gemm.MAX_K;
        INDArray a = Nd4j.valueArrayOf(new long[] {1, k}, 127, DataType.INT8);
        INDArray b = Nd4j.valueArrayOf(new long[] {k, 1}, 127, DataType.INT8);
        assertThat(Int8Gemm.gemm(a, new int[] {0}, b, new int[] {0}).getInt(0, 0)).isEqualTo(k * 127 * 127);
        // (127 + 128) * 127 * 2^17 = 4.2e9 does not fit int32
        assertThatThrownBy(() -> Int8Gemm.gemm(a, new int[] {-128}, b, new int[] {0}))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("accumulator [0, 0] = " + (255L * 127 * k) + " overflows int32");
    }

    /** Not an assertion: prints the speed of the 256x1152 by 1152x64 product (a 3x3x128 -> 64 conv layer). */
    @Test
    void measureSpeed() {
        Random rnd = new Random(13);
        INDArray a = Int8Reference.randomInt8(rnd, 256, 1152);
        INDArray b = Int8Reference.randomInt8(rnd, 1152, 64);
        int[] colSums = Int8Gemm.columnSums(b);
        int[] zp = {-5};
        int[] zeros = {0};
        for (int i = 0; i < 20; i++) {
            Int8Gemm.gemm(a, zp, b, zeros, colSums, null);
        }
        int runs = 200;
        long[] rawNs = new long[runs];
        long[] fullNs = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Int8Gemm.gemm(a, zeros, b, zeros);
            long t1 = System.nanoTime();
            Int8Gemm.gemm(a, zp, b, zeros, colSums, null);
            long t2 = System.nanoTime();
            rawNs[i] = t1 - t0;
            fullNs[i] = t2 - t1;
        }
        Arrays.sort(rawNs);
        Arrays.sort(fullNs);
        double ops = 2.0 * 256 * 1152 * 64;
        System.out.printf("PERF int8 gemm 256x1152 by 1152x64: raw matmul median %.3f ms (%.1f GOP/s, min %.3f ms),"
                        + " with zero-point correction median %.3f ms (%.1f GOP/s, min %.3f ms)%n",
                rawNs[runs / 2] / 1e6, ops / rawNs[runs / 2], rawNs[0] / 1e6,
                fullNs[runs / 2] / 1e6, ops / fullNs[runs / 2], fullNs[0] / 1e6);
    }

    private static int[] randomZeroPoints(Random rnd, int n) {
        return rnd.ints(n, -128, 128).toArray();
    }
}
