package io.qforge.engine.int8;

/**
 * im2col for int8 NCHW input (ND4J's im2col rejects INT8). For channels {@code [c0, c0 + count)}
 * it builds the matrix {@code cols[(c, kh, kw), (n, oh, ow)]} of shape
 * {@code [count * kH * kW, N * oH * oW]} (c order), with
 * {@code cols = x[n, c, oh*sH - padTop + kh*dH, ow*sW - padLeft + kw*dW]} inside the input and the
 * input's zero point outside, so that padded positions are real zeros after {@code q - z}.
 */
public final class Int8Im2col {
    private Int8Im2col() {
    }

    /**
     * @param x   int8 values of an [N, C, H, W] tensor, c order
     * @param pad the value of padded positions (the input zero point)
     */
    public static byte[] im2col(byte[] x, int n, int c, int h, int w, int c0, int count, ConvGeometry g, byte pad) {
        if ((long) n * c * h * w != x.length) {
            throw new IllegalArgumentException("int8 im2col: " + x.length + " values for shape [" + n + ", " + c + ", "
                    + h + ", " + w + "]");
        }
        if (c0 < 0 || count < 1 || c0 + count > c) {
            throw new IllegalArgumentException("int8 im2col: channels [" + c0 + ", " + (c0 + count)
                    + ") are not within [0, " + c + ")");
        }
        int oh = g.outputHeight(h);
        int ow = g.outputWidth(w);
        int p = oh * ow;
        long rows = (long) count * g.kernelH() * g.kernelW();
        long cols = (long) n * p;
        if (rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("int8 im2col: " + rows + " x " + cols
                    + " matrix is too large for one array (split the batch)");
        }
        byte[] out = new byte[(int) (rows * cols)];
        int row = 0;
        for (int ci = c0; ci < c0 + count; ci++) {
            for (int kh = 0; kh < g.kernelH(); kh++) {
                for (int kw = 0; kw < g.kernelW(); kw++, row++) {
                    int base = (int) (row * cols);
                    for (int b = 0; b < n; b++) {
                        int plane = (b * c + ci) * h * w;
                        int o = base + b * p;
                        for (int y = 0; y < oh; y++) {
                            int iy = y * g.strideH() - g.padTop() + kh * g.dilationH();
                            boolean rowInside = iy >= 0 && iy < h;
                            int rowStart = plane + iy * w;
                            for (int xo = 0; xo < ow; xo++, o++) {
                                int ix = xo * g.strideW() - g.padLeft() + kw * g.dilationW();
                                out[o] = rowInside && ix >= 0 && ix < w ? x[rowStart + ix] : pad;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
