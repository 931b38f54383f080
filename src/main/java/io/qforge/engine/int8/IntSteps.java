package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds the prepared kernel ({@link IntStep}) of each {@link IntLayer} of an {@link IntModel}: all
 * weights, column sums, fixed-point multipliers, clamp ranges and lookup tables are computed here,
 * once. Clamp ranges are the b-bit {@code [qmin, qmax]} of the output encoding, narrowed by the
 * layer's fused Clip ({@link ClampRange}).
 */
final class IntSteps {
    private final IntModel model;
    private final RequantRounding rounding;

    IntSteps(IntModel model, RequantRounding rounding) {
        this.model = model;
        this.rounding = rounding;
    }

    IntStep step(IntLayer layer) {
        QuantParams out = model.encoding(layer.output());
        String type = layer.getClass().getSimpleName();
        IntStep.Kernel k;
        if (layer instanceof IntLayer.Conv c) {
            k = conv(c, out);
        } else if (layer instanceof IntLayer.Gemm g) {
            k = gemm(g, out);
        } else if (layer instanceof IntLayer.Add a) {
            Int8Add add = new Int8Add(in(a.a()), in(a.b()), out, clamp(a.clip(), out, a));
            k = x -> add.forwardBroadcast(x[0], x[1]);
        } else if (layer instanceof IntLayer.Mul m) {
            Int8Mul mul = new Int8Mul(in(m.a()), in(m.b()), out);
            k = x -> mul.forward(x[0], x[1]);
        } else if (layer instanceof IntLayer.Concat c) {
            Int8Concat cat = new Int8Concat(c.inputs().stream().map(this::in).toList(), out, c.axis());
            k = x -> cat.forward(Arrays.asList(x));
        } else if (layer instanceof IntLayer.Sigmoid s) {
            Int8Lut lut = Int8Lut.sigmoid(in(s.input()), out);
            k = x -> lut.forward(x[0]);
        } else if (layer instanceof IntLayer.AveragePool p) {
            k = averagePool(p, out);
        } else if (layer instanceof IntLayer.MaxPool p) {
            ConvGeometry g = geometry(p.kernel(), p.strides(), p.pads(), p.dilations(), 1, p.name());
            k = shapeOnly(x -> Int8MaxPool.forward(x[0], g), in(p.input()), out);
        } else if (layer instanceof IntLayer.Reshape r) {
            long[] target = r.shape().clone();
            k = shapeOnly(x -> Int8Shapes.reshape(x[0], target, r.name()), in(r.input()), out);
        } else if (layer instanceof IntLayer.FloatIsland f) {
            FloatIslandKernel island = new FloatIslandKernel(f, f.inputs().stream().map(this::in)
                    .toArray(QuantParams[]::new), f.outputs().stream().map(this::in).toArray(QuantParams[]::new));
            return new IntStep(layer.name(), "FloatIsland(" + f.opType() + ")", f.inputs(), f.outputs(), island);
        } else if (layer instanceof IntLayer.Flatten f) {
            k = shapeOnly(x -> Int8Shapes.flatten(x[0], f.axis(), f.name()), in(f.input()), out);
        } else {
            throw new IllegalArgumentException("int executor: layer '" + layer.name() + "' (" + type
                    + ") has no integer kernel");
        }
        IntStep.Kernel single = k;
        return new IntStep(layer.name(), type, layer.inputs(), layer.outputs(), x -> new INDArray[] {single.apply(x)});
    }

    private IntStep.Kernel conv(IntLayer.Conv c, QuantParams out) {
        INDArray w = c.weight();
        if (w.rank() != 4) {
            throw new IllegalArgumentException("int executor: conv '" + c.name() + "' weight shape "
                    + Arrays.toString(w.shape()) + " is not allowed ([oC, iC/group, kH, kW])");
        }
        QuantParams wp = c.weightParams();
        checkWeightParams(wp, w.size(0), c.name());
        QuantParams in = in(c.input());
        long[] kernel = {w.size(2), w.size(3)};
        ConvGeometry g = geometry(kernel, c.strides(), c.pads(), c.dilations(), c.group(), c.name());
        ClampRange r = clamp(c.clip(), out, c);
        Requantizer rq = new Requantizer(FixedPointMultiplier.forScales(in.scale(0), wp.scales(), out.scale(0)),
                out.zeroPoint(0), r.lo(), r.hi(), rounding);
        Int8Conv2d conv = new Int8Conv2d(w, wp.zeroPoints(), c.bias(), g, in.zeroPoint(0), rq);
        return x -> conv.forward(x[0]);
    }

    /** {@code y = x W^T + b} on the last axis; inputs of rank > 2 are flattened to [rows, K] and back. */
    private IntStep.Kernel gemm(IntLayer.Gemm gm, QuantParams out) {
        INDArray w = gm.weight();
        if (w.rank() != 2) {
            throw new IllegalArgumentException("int executor: gemm '" + gm.name() + "' weight shape "
                    + Arrays.toString(w.shape()) + " is not allowed ([out, in])");
        }
        QuantParams wp = gm.weightParams();
        checkWeightParams(wp, w.size(0), gm.name());
        QuantParams in = in(gm.input());
        ClampRange r = clamp(gm.clip(), out, gm);
        Requantizer rq = new Requantizer(FixedPointMultiplier.forScales(in.scale(0), wp.scales(), out.scale(0)),
                out.zeroPoint(0), r.lo(), r.hi(), rounding);
        Int8Linear linear = new Int8Linear(w, wp.zeroPoints(), gm.bias(), in.zeroPoint(0), rq);
        long inFeatures = w.size(1);
        long outFeatures = w.size(0);
        return x -> {
            INDArray a = x[0];
            long[] s = a.shape();
            if (s.length < 1 || s[s.length - 1] != inFeatures) {
                throw new IllegalArgumentException("int executor: gemm '" + gm.name() + "' input shape "
                        + Arrays.toString(s) + " does not end in " + inFeatures + " features");
            }
            if (s.length == 2) {
                return linear.forward(a);
            }
            long[] o = s.clone();
            o[o.length - 1] = outFeatures;
            return linear.forward(Int8Shapes.contiguous(a).reshape('c', a.length() / inFeatures, inFeatures))
                    .reshape('c', o);
        };
    }

    private IntStep.Kernel averagePool(IntLayer.AveragePool p, QuantParams out) {
        QuantParams in = in(p.input());
        if (p.global()) {
            return x -> Int8AveragePool.global(x[0], in, out);
        }
        ConvGeometry g = geometry(p.kernel(), p.strides(), p.pads(), null, 1, p.name());
        Int8AveragePool pool = new Int8AveragePool(g, p.countIncludePad(), in, out);
        return x -> pool.forward(x[0]);
    }

    /**
     * A shape-only layer (max pool, reshape, flatten) keeps its input's encoding (QDQ.md); should the
     * model give its output another one, the values are requantized by a table afterwards (max
     * pooling commutes with that monotone map, so this is exact).
     */
    private static IntStep.Kernel shapeOnly(IntStep.Kernel k, QuantParams in, QuantParams out) {
        Int8Lut map = Int8Lut.requantize(in, out);
        return map == null ? k : x -> map.forward(k.apply(x));
    }

    private QuantParams in(String tensor) {
        return model.encoding(tensor);
    }

    private static ClampRange clamp(IntLayer.Clip clip, QuantParams out, IntLayer layer) {
        if (clip == null || clip.isNone()) {
            return ClampRange.of(out);
        }
        try {
            return ClampRange.of(clip.min(), clip.max(), out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("int executor: layer '" + layer.name() + "': " + e.getMessage(), e);
        }
    }

    private static void checkWeightParams(QuantParams wp, long outChannels, String layer) {
        if (wp.channels() != 1 && (wp.channels() != outChannels || wp.axis() != 0)) {
            throw new IllegalArgumentException("int executor: layer '" + layer + "' weight params " + wp
                    + " are not allowed (per tensor, or per channel on axis 0 with " + outChannels + " channels)");
        }
    }

    /** ConvGeometry from ONNX attributes: pads [top, left, bottom, right]; null strides/pads/dilations = defaults. */
    static ConvGeometry geometry(long[] kernel, long[] strides, long[] pads, long[] dilations, int groups,
                                 String layer) {
        long[] s = strides == null ? new long[] {1, 1} : strides;
        long[] p = pads == null ? new long[4] : pads;
        long[] d = dilations == null ? new long[] {1, 1} : dilations;
        if (kernel == null || kernel.length != 2 || s.length != 2 || p.length != 4 || d.length != 2) {
            throw new IllegalArgumentException("int executor: layer '" + layer + "': kernel "
                    + Arrays.toString(kernel) + ", strides " + Arrays.toString(s) + ", pads " + Arrays.toString(p)
                    + ", dilations " + Arrays.toString(d) + " are not allowed (2-D: 2 kernel dims, 2 strides,"
                    + " 4 pads, 2 dilations)");
        }
        return new ConvGeometry(Math.toIntExact(kernel[0]), Math.toIntExact(kernel[1]), (int) s[0], (int) s[1],
                (int) p[0], (int) p[1], (int) p[2], (int) p[3], (int) d[0], (int) d[1], groups);
    }
}
