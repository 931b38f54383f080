package io.qforge.engine.int8;

/**
 * Kernel, strides, pads (ONNX order: top, left, bottom, right; asymmetric allowed), dilations and
 * groups of a 2-D convolution or pooling window over NCHW tensors. Output size:
 * {@code out = floor((in + padBegin + padEnd - dilation * (k - 1) - 1) / stride) + 1}.
 */
public record ConvGeometry(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                           int padBottom, int padRight, int dilationH, int dilationW, int groups) {

    public ConvGeometry {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || groups < 1 || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("conv geometry: " + describe(kernelH, kernelW, strideH, strideW, padTop,
                    padLeft, padBottom, padRight, dilationH, dilationW, groups)
                    + " is not allowed (kernel, strides, dilations, groups >= 1; pads >= 0)");
        }
    }

    /** Square kernel, same stride/pad/dilation on both axes, one group. */
    public static ConvGeometry of(int kernel, int stride, int pad) {
        return new ConvGeometry(kernel, kernel, stride, stride, pad, pad, pad, pad, 1, 1, 1);
    }

    public ConvGeometry withGroups(int g) {
        return new ConvGeometry(kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH,
                dilationW, g);
    }

    public ConvGeometry withDilation(int dh, int dw) {
        return new ConvGeometry(kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, dh, dw,
                groups);
    }

    public int outputHeight(int inputHeight) {
        return outputSize(inputHeight, kernelH, strideH, padTop, padBottom, dilationH, "height");
    }

    public int outputWidth(int inputWidth) {
        return outputSize(inputWidth, kernelW, strideW, padLeft, padRight, dilationW, "width");
    }

    private static int outputSize(int in, int k, int s, int p0, int p1, int d, String axis) {
        int span = in + p0 + p1 - d * (k - 1) - 1;
        if (span < 0) {
            throw new IllegalArgumentException("conv geometry: input " + axis + " " + in + " is smaller than the dilated"
                    + " kernel " + (d * (k - 1) + 1) + " plus pads");
        }
        return span / s + 1;
    }

    private static String describe(int... v) {
        return "kernel " + v[0] + "x" + v[1] + ", strides " + v[2] + "," + v[3] + ", pads " + v[4] + "," + v[5] + ","
                + v[6] + "," + v[7] + ", dilations " + v[8] + "," + v[9] + ", groups " + v[10];
    }
}
