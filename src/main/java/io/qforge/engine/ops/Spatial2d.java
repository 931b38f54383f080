package io.qforge.engine.ops;

import io.qforge.engine.graph.Node;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The 2-D window attributes shared by Conv, MaxPool and AveragePool: kernel, strides,
 * dilations, ONNX pads {@code [top, left, bottom, right]}, {@code auto_pad} and
 * {@code ceil_mode}. Only NCHW inputs with two spatial dimensions are supported.
 *
 * <p>Output size per spatial dimension with effective kernel {@code ek = d*(k-1)+1}:
 * {@code out = floor((in + pb + pe - ek) / s) + 1}; with {@code ceil_mode} ceil instead of
 * floor, minus one when the last window would start beyond {@code in + pb} (ONNX/PyTorch rule).
 */
final class Spatial2d {
    final String nodeName;
    final long kH;
    final long kW;
    final long sH;
    final long sW;
    final long dH;
    final long dW;
    private final long[] pads;
    private final String autoPad;
    final boolean ceilMode;

    private Spatial2d(String nodeName, long[] kernel, long[] strides, long[] dilations, long[] pads,
                      String autoPad, boolean ceilMode) {
        this.nodeName = nodeName;
        this.kH = kernel[0];
        this.kW = kernel[1];
        this.sH = strides[0];
        this.sW = strides[1];
        this.dH = dilations[0];
        this.dW = dilations[1];
        this.pads = pads;
        this.autoPad = autoPad;
        this.ceilMode = ceilMode;
    }

    /**
     * Reads the window attributes of {@code node}; {@code kernel} is the kernel size when it is
     * not an attribute (Conv takes it from the weight), else null.
     */
    static Spatial2d of(Node node, long[] kernel) {
        long[] k = node.attrInts("kernel_shape", kernel);
        String where = node.opType() + " '" + node.name() + "'";
        if (k == null) {
            throw new IllegalArgumentException(where + ": attribute kernel_shape is required");
        }
        if (k.length != 2) {
            throw new IllegalArgumentException(where + ": kernel_shape " + Arrays.toString(k)
                    + " has " + k.length + " spatial dims; only 2-D (NCHW) windows are supported");
        }
        long[] s = node.attrInts("strides", new long[] {1, 1});
        long[] d = node.attrInts("dilations", new long[] {1, 1});
        long[] p = node.attrInts("pads", new long[] {0, 0, 0, 0});
        check(where, "strides", s, 2, 1);
        check(where, "dilations", d, 2, 1);
        check(where, "pads", p, 4, 0);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        if (!Arrays.asList("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(autoPad)) {
            throw new IllegalArgumentException(where + ": auto_pad '" + autoPad
                    + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
        long ceil = node.attrInt("ceil_mode", 0);
        if (ceil != 0 && ceil != 1) {
            throw new IllegalArgumentException(where + ": ceil_mode " + ceil + " must be 0 or 1");
        }
        return new Spatial2d(node.name(), k, s, d, p, autoPad, ceil == 1);
    }

    private static void check(String where, String attr, long[] v, int len, long min) {
        if (v.length != len) {
            throw new IllegalArgumentException(where + ": " + attr + " " + Arrays.toString(v) + " must have "
                    + len + " values (2-D windows only)");
        }
        for (long x : v) {
            if (x < min) {
                throw new IllegalArgumentException(where + ": " + attr + " " + Arrays.toString(v)
                        + " must be >= " + min);
            }
        }
    }

    /**
     * Padding of an input with spatial size {@code h x w}: {@code {top, left, bottom, right}}
     * plus, with ceil_mode, the extra bottom/right cells a ceil-sized output reads beyond the
     * declared pads: {@code {top, left, bottom, right, extraBottom, extraRight}}.
     */
    long[] padding(long h, long w) {
        long[] p;
        switch (autoPad) {
            case "VALID" -> p = new long[] {0, 0, 0, 0};
            case "SAME_UPPER", "SAME_LOWER" -> {
                boolean upper = autoPad.equals("SAME_UPPER");
                long th = samePadTotal(h, sH, kH, dH);
                long tw = samePadTotal(w, sW, kW, dW);
                long top = upper ? th / 2 : th - th / 2;
                long left = upper ? tw / 2 : tw - tw / 2;
                p = new long[] {top, left, th - top, tw - left};
            }
            default -> p = pads.clone();
        }
        long eh = ceilMode ? ceilExtra(h, p[0], p[2], kH, sH, dH) : 0;
        long ew = ceilMode ? ceilExtra(w, p[1], p[3], kW, sW, dW) : 0;
        long oh = outSize(h + p[0] + p[2] + eh, kH, sH, dH);
        long ow = outSize(w + p[1] + p[3] + ew, kW, sW, dW);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("node '" + nodeName + "': input " + h + "x" + w + " with pads "
                    + Arrays.toString(p) + " is smaller than the " + kH + "x" + kW + " window (dilation "
                    + dH + "x" + dW + ")");
        }
        return new long[] {p[0], p[1], p[2], p[3], eh, ew};
    }

    private static long samePadTotal(long in, long s, long k, long d) {
        long out = (in + s - 1) / s;
        return Math.max(0, (out - 1) * s + d * (k - 1) + 1 - in);
    }

    private static long outSize(long paddedIn, long k, long s, long d) {
        long ek = d * (k - 1) + 1;
        return paddedIn < ek ? 0 : (paddedIn - ek) / s + 1;
    }

    /** Extra end padding so that a floor-mode output equals the ceil-mode output size. */
    private static long ceilExtra(long in, long pb, long pe, long k, long s, long d) {
        long ek = d * (k - 1) + 1;
        long span = in + pb + pe - ek;
        if (span < 0) {
            return 0;
        }
        long out = (span + s - 1) / s + 1;
        if ((out - 1) * s >= in + pb) {
            out--;
        }
        return Math.max(0, (out - 1) * s + ek - (in + pb + pe));
    }

    /**
     * The same window with the dilation folded into the kernel: kernel {@code d*(k-1)+1},
     * dilation 1, same strides, pads and auto_pad (so {@link #padding} is unchanged).
     */
    Spatial2d undilated() {
        return new Spatial2d(nodeName, new long[] {dH * (kH - 1) + 1, dW * (kW - 1) + 1}, new long[] {sH, sW},
                new long[] {1, 1}, pads, autoPad, ceilMode);
    }

    /** True when a dilation exceeds 1 (pools then use {@link StridedWindows}). */
    boolean dilated() {
        return dH > 1 || dW > 1;
    }

    static boolean symmetric(long[] padding) {
        return padding[0] == padding[2] && padding[1] == padding[3] && padding[4] == 0 && padding[5] == 0;
    }

    /** Pads NCHW {@code x} explicitly with {@code value} (top/left, bottom+extra/right+extra). */
    static INDArray padExplicit(INDArray x, long[] padding, double value) {
        int[][] w = {{0, 0}, {0, 0}, {(int) padding[0], (int) (padding[2] + padding[4])},
                {(int) padding[1], (int) (padding[3] + padding[5])}};
        return Nd4j.pad(x, w, Pad.Mode.CONSTANT, value);
    }

    /** The inverse of {@link #padExplicit}: the gradient of the unpadded region, as a copy. */
    static INDArray unpad(INDArray padded, long[] padding, long h, long w) {
        INDArrayIndex[] idx = {NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(padding[0], padding[0] + h), NDArrayIndex.interval(padding[1], padding[1] + w)};
        return padded.get(idx).dup('c');
    }

    /** ND4J window iArgs {@code kH,kW,sH,sW,pH,pW,dH,dW,same=0} followed by {@code tail}. */
    int[] iArgs(long pH, long pW, int... tail) {
        int[] head = {(int) kH, (int) kW, (int) sH, (int) sW, (int) pH, (int) pW, (int) dH, (int) dW, 0};
        int[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /**
     * The window iArgs for {@code padding} (see {@link #padding}): its symmetric pads, or 0 when
     * the input is padded explicitly; then {@code tail} (pooling: extra, format).
     */
    int[] window(long[] padding, int... tail) {
        return symmetric(padding) ? iArgs(padding[0], padding[1], tail) : iArgs(0, 0, tail);
    }

    static void requireNchw(INDArray x, String where) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(where + ": input of shape " + Arrays.toString(x.shape())
                    + " is not 4-D NCHW; only 2-D spatial inputs are supported");
        }
    }
}
