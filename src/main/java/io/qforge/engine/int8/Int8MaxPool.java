package io.qforge.engine.int8;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling on int8 NCHW tensors. Monotone, so it commutes with quantization: input and output
 * share scale and zero point (QDQ.md: MaxPool keeps the same params on both sides). Padded
 * positions never win (ONNX pads MaxPool with -inf); a window entirely in padding is not possible
 * with valid ONNX geometry.
 */
public final class Int8MaxPool {
    private Int8MaxPool() {
    }

    /** @param g window, strides, pads, dilations (groups ignored) */
    public static INDArray forward(INDArray x, ConvGeometry g) {
        Int8Arrays.checkRank(x, 4, "int8 max pool input");
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = g.outputHeight(h);
        int ow = g.outputWidth(w);
        byte[] in = Int8Arrays.bytes(x, "int8 max pool input");
        byte[] out = new byte[n * c * oh * ow];
        int o = 0;
        for (int plane = 0; plane < n * c; plane++) {
            int base = plane * h * w;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++, o++) {
                    int best = Integer.MIN_VALUE;
                    for (int kh = 0; kh < g.kernelH(); kh++) {
                        int iy = y * g.strideH() - g.padTop() + kh * g.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kw = 0; kw < g.kernelW(); kw++) {
                            int ix = xo * g.strideW() - g.padLeft() + kw * g.dilationW();
                            if (ix >= 0 && ix < w) {
                                best = Math.max(best, in[base + iy * w + ix]);
                            }
                        }
                    }
                    if (best == Integer.MIN_VALUE) {
                        throw new IllegalArgumentException("int8 max pool: output (" + y + ", " + xo
                                + ") has a window entirely in the padding");
                    }
                    out[o] = (byte) best;
                }
            }
        }
        return Int8Arrays.int8(out, n, c, oh, ow);
    }
}
