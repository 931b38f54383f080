package io.qforge.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared checks and per-channel reductions of the observers. */
abstract class AbstractObserver implements Observer {
    protected final int axis;

    protected AbstractObserver(int axis) {
        if (axis < -1) {
            throw new IllegalArgumentException("observer: axis " + axis + " is not allowed (-1 per tensor, or >= 0)");
        }
        this.axis = axis;
    }

    @Override
    public int axis() {
        return axis;
    }

    /** Checks that x is floating, non-empty and has the channel axis. */
    protected void checkInput(INDArray x) {
        if (x == null || x.isEmpty()) {
            throw new IllegalArgumentException(kind() + " observer: empty or null tensor");
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException(kind() + " observer: type " + x.dataType()
                    + " is not allowed (a floating type)");
        }
        if (axis >= x.rank()) {
            throw new IllegalArgumentException(kind() + " observer: channel axis " + axis
                    + " is not allowed for a rank-" + x.rank() + " tensor");
        }
    }

    /** Checks the request against what this observer tracks and that something was observed. */
    protected void checkEncodingRequest(Granularity granularity) {
        if (!hasObservations()) {
            throw new IllegalStateException(kind() + " observer: no tensor observed yet, no encoding to compute");
        }
        if (granularity == Granularity.PER_CHANNEL && axis < 0) {
            throw new IllegalStateException(kind() + " observer: per-channel encoding requested from an observer"
                    + " that tracks per-tensor statistics (build it with a channel axis)");
        }
    }

    /** Axis of the returned params: -1 per tensor. */
    protected int paramsAxis(Granularity granularity) {
        return granularity == Granularity.PER_CHANNEL ? axis : QuantParams.PER_TENSOR_AXIS;
    }

    /**
     * {@code {channelMin(x), channelMax(x)}}; one fused pass over a plain FLOAT array
     * ({@link FakeQuantKernels#channelMinMax}), else the two ND4J reductions.
     */
    protected double[][] channelMinMax(INDArray x) {
        if (FakeQuantKernels.plain(x)) {
            return FakeQuantKernels.channelMinMax(x, axis);
        }
        return new double[][] {channelMin(x), channelMax(x)};
    }

    /** Minimum of each channel along {@code axis} (one value when axis is -1). */
    protected double[] channelMin(INDArray x) {
        if (axis < 0) {
            return new double[] {x.minNumber().doubleValue()};
        }
        if (x.rank() == 1) {
            return x.castTo(DataType.DOUBLE).toDoubleVector();
        }
        return x.min(AxisOps.otherDims(x.rank(), axis)).castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** Maximum of each channel along {@code axis} (one value when axis is -1). */
    protected double[] channelMax(INDArray x) {
        if (axis < 0) {
            return new double[] {x.maxNumber().doubleValue()};
        }
        if (x.rank() == 1) {
            return x.castTo(DataType.DOUBLE).toDoubleVector();
        }
        return x.max(AxisOps.otherDims(x.rank(), axis)).castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** Reduces per-channel minima/maxima to the requested granularity. */
    protected static double[][] reduce(double[] min, double[] max, Granularity granularity) {
        if (granularity == Granularity.PER_CHANNEL || min.length == 1) {
            return new double[][] {min.clone(), max.clone()};
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < min.length; c++) {
            lo = Math.min(lo, min[c]);
            hi = Math.max(hi, max[c]);
        }
        return new double[][] {{lo}, {hi}};
    }

    protected static void checkSameChannels(String kind, double[] seen, double[] now) {
        if (seen != null && seen.length != now.length) {
            throw new IllegalArgumentException(kind + " observer: tensor has " + now.length
                    + " channels, earlier tensors had " + seen.length);
        }
    }
}
