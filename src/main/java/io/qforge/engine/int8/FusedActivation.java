package io.qforge.engine.int8;

/**
 * ReLU / ReLU6 fused into the output quantizer: in the integer domain they are clamps.
 * ReLU: {@code lo = max(qmin, z_y)}; ReLU6: also {@code hi = min(qmax, z_y + rint(6 / s_y))}.
 */
public enum FusedActivation {
    NONE, RELU, RELU6;

    /** {@code [lo, hi]} of the output integers. */
    public int[] clampRange(double outputScale, int outputZeroPoint, int qmin, int qmax) {
        return switch (this) {
            case NONE -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, outputZeroPoint), qmax};
            case RELU6 -> new int[] {Math.max(qmin, outputZeroPoint),
                    (int) Math.min(qmax, outputZeroPoint + Math.rint(6.0 / outputScale))};
        };
    }

    /** A standalone ReLU/ReLU6 on an INT8 tensor with per-tensor params: a new clamped INT8 tensor. */
    public org.nd4j.linalg.api.ndarray.INDArray apply(org.nd4j.linalg.api.ndarray.INDArray q,
                                                       io.qforge.engine.quant.QuantParams p) {
        byte[] v = Int8Arrays.bytes(q, "int8 " + name()).clone();
        return Int8Arrays.int8(applyInPlace(v, p.scale(0), p.zeroPoint(0), p.qmin(), p.qmax()), q.shape());
    }

    /** Applies the clamp to int8 values in place (a standalone ReLU/ReLU6 on a quantized tensor). */
    public byte[] applyInPlace(byte[] q, double scale, int zeroPoint, int qmin, int qmax) {
        int[] r = clampRange(scale, zeroPoint, qmin, qmax);
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) Math.max(r[0], Math.min(r[1], q[i]));
        }
        return q;
    }
}
