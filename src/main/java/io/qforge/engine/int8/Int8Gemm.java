package io.qforge.engine.int8;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact int8 x int8 -> int32 matrix product with zero points:
 * <pre>
 * acc[i,j] = sum_k (a[i,k] - za[i]) (b[k,j] - zb[j])
 *          = sum_k a[i,k] b[k,j]  -  zb[j] rowSum(a)[i]  -  za[i] colSum(b)[j]  +  K za[i] zb[j]
 * </pre>
 * {@code a - za} does not fit int8 in general (-128 - 5 = -133), so the raw int8 product runs
 * unshifted on ND4J's {@code matmul} op (INT8 x INT8 with a preallocated INT32 output: exact, oneDNN),
 * and the zero points are corrected with the row/column sums in int64 before the result is checked
 * to fit int32. {@code za} has one value (per tensor) or one per row of a; {@code zb} one or one per
 * column of b. The raw product is exact while {@code K <= }{@link #MAX_K} (|a b| <= 2^14 per term).
 */
public final class Int8Gemm {
    /** Largest inner dimension whose raw int8 products cannot overflow int32: 2^31 / 2^14. */
    public static final long MAX_K = 1L << 17;

    private Int8Gemm() {
    }

    /** {@code acc = (a - za)(b - zb)} as INT32 [M, N]; a INT8 [M, K], b INT8 [K, N]. */
    public static INDArray gemm(INDArray a, int[] za, INDArray b, int[] zb) {
        return gemm(a, za, b, zb, null, null);
    }

    /**
     * Same, with {@code colSumB} precomputed ({@link #columnSums}; null to compute) and an optional
     * int32 {@code bias} added per column ([N] or null).
     */
    public static INDArray gemm(INDArray a, int[] za, INDArray b, int[] zb, int[] colSumB, int[] bias) {
        Int8Arrays.checkRank(a, 2, "int8 gemm A");
        Int8Arrays.checkRank(b, 2, "int8 gemm B");
        checkType(a, "A");
        checkType(b, "B");
        int m = (int) a.size(0);
        int k = (int) a.size(1);
        int n = (int) b.size(1);
        if (b.size(0) != k) {
            throw new IllegalArgumentException("int8 gemm: A is [" + m + ", " + k + "] but B is [" + b.size(0) + ", "
                    + n + "] (inner dimensions differ)");
        }
        if (k > MAX_K) {
            throw new IllegalArgumentException("int8 gemm: K = " + k + " is not allowed (<= " + MAX_K
                    + ", or int32 accumulation could overflow)");
        }
        checkLength(za, m, "zero points of A", "rows");
        checkLength(zb, n, "zero points of B", "columns");
        if (bias != null && bias.length != n) {
            throw new IllegalArgumentException("int8 gemm: bias has " + bias.length + " values for " + n + " columns");
        }
        INDArray raw = Nd4j.create(DataType.INT32, m, n);
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(contiguous(a), contiguous(b)).addOutputs(raw)
                .addIntegerArguments(0, 0).build());
        boolean zaZero = allZero(za);
        boolean zbZero = allZero(zb);
        if (zaZero && zbZero && bias == null) {
            return raw;
        }
        int[] rowSumA = zbZero ? null : rowSums(a);
        int[] colSum = zaZero ? null : (colSumB != null ? colSumB : columnSums(b));
        if (za.length == 1 && zb.length == 1 && (zaZero || zbZero)) {
            INDArray fast = rankOneCorrection(raw, k, za[0], zb[0], rowSumA, colSum, bias);
            if (fast != null) {
                return fast;
            }
        }
        int[] acc = raw.data().asInt();
        for (int i = 0; i < m; i++) {
            long zai = za.length == 1 ? za[0] : za[i];
            for (int j = 0; j < n; j++) {
                long zbj = zb.length == 1 ? zb[0] : zb[j];
                long v = acc[i * n + j];
                if (!zbZero) {
                    v -= zbj * rowSumA[i];
                }
                if (!zaZero) {
                    v -= zai * colSum[j];
                    v += (long) k * zai * zbj;
                }
                if (bias != null) {
                    v += bias[j];
                }
                if (v != (int) v) {
                    throw new ArithmeticException("int8 gemm: accumulator [" + i + ", " + j + "] = " + v
                            + " overflows int32");
                }
                acc[i * n + j] = (int) v;
            }
        }
        return Int8Arrays.int32(acc, m, n);
    }

    /**
     * The common cases (one zero point per tensor, and one of them 0: symmetric weights) need only
     * a per-row and a per-column correction, added with ND4J broadcast kernels:
     * {@code acc = raw + rowCorr[i] + colCorr[j]}, {@code rowCorr = -zb rowSum(a)},
     * {@code colCorr = -za colSum(b) + bias}. Used only when {@code |raw| <= K 2^14} plus the largest
     * corrections provably fits int32; returns null otherwise (the checked loop handles it).
     */
    private static INDArray rankOneCorrection(INDArray raw, int k, int za, int zb, int[] rowSumA, int[] colSum,
                                              int[] bias) {
        int m = (int) raw.size(0);
        int n = (int) raw.size(1);
        long[] rowCorr = new long[m];
        long[] colCorr = new long[n];
        long maxRow = 0;
        long maxCol = 0;
        for (int i = 0; zb != 0 && i < m; i++) {
            rowCorr[i] = -(long) zb * rowSumA[i];
            maxRow = Math.max(maxRow, Math.abs(rowCorr[i]));
        }
        for (int j = 0; j < n; j++) {
            colCorr[j] = (za == 0 ? 0 : -(long) za * colSum[j]) + (bias == null ? 0 : bias[j]);
            maxCol = Math.max(maxCol, Math.abs(colCorr[j]));
        }
        if (((long) k << 14) + maxRow + maxCol > Integer.MAX_VALUE) {
            return null;
        }
        if (zb != 0) {
            raw.addiColumnVector(Nd4j.createFromArray(toInts(rowCorr)).reshape(m, 1));
        }
        if (maxCol != 0) {
            raw.addiRowVector(Nd4j.createFromArray(toInts(colCorr)).reshape(1, n));
        }
        return raw;
    }

    private static int[] toInts(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (int) v[i];
        }
        return r;
    }

    /** {@code sum_k a[i,k]} for each row of an INT8 [M, K] matrix. */
    public static int[] rowSums(INDArray a) {
        byte[] v = Int8Arrays.bytes(a, "int8 gemm A");
        int m = (int) a.size(0);
        int k = (int) a.size(1);
        int[] s = new int[m];
        for (int i = 0; i < m; i++) {
            int sum = 0;
            for (int j = 0, o = i * k; j < k; j++) {
                sum += v[o + j];
            }
            s[i] = sum;
        }
        return s;
    }

    /** {@code sum_k b[k,j]} for each column of an INT8 [K, N] matrix. */
    public static int[] columnSums(INDArray b) {
        byte[] v = Int8Arrays.bytes(b, "int8 gemm B");
        int k = (int) b.size(0);
        int n = (int) b.size(1);
        int[] s = new int[n];
        for (int i = 0; i < k; i++) {
            for (int j = 0, o = i * n; j < n; j++) {
                s[j] += v[o + j];
            }
        }
        return s;
    }

    private static INDArray contiguous(INDArray x) {
        return x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    }

    private static void checkType(INDArray x, String name) {
        if (x.dataType() != DataType.INT8) {
            throw new IllegalArgumentException("int8 gemm: " + name + " type " + x.dataType()
                    + " is not allowed (INT8)");
        }
    }

    private static void checkLength(int[] zp, int count, String what, String unit) {
        if (zp == null || (zp.length != 1 && zp.length != count)) {
            throw new IllegalArgumentException("int8 gemm: " + (zp == null ? "null" : zp.length) + " " + what
                    + " (need 1 or one per " + count + " " + unit + ")");
        }
    }

    static boolean allZero(int[] v) {
        for (int x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
