package io.qforge.engine.convert;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantUnit;

/** Builds the {@link IntLayer} of one non-linear {@link QuantUnit} (see {@link IntModelConverter}). */
final class LayerFactory {
    private final Graph g;
    private final LinearLayers linear;

    LayerFactory(QatModel model) {
        this.g = model.graph();
        this.linear = new LinearLayers(model);
    }

    IntLayer layer(QuantUnit u) {
        if (u instanceof QuantUnit.Linear l) {
            return linear.layer(l);
        }
        if (u instanceof QuantUnit.ShapeOnly s) {
            return shapeOnly(s.op());
        }
        QuantUnit.Quantized q = (QuantUnit.Quantized) u;
        Node n = q.op();
        String out = q.output();
        return switch (n.opType()) {
            case "Add" -> new IntLayer.Add(n.name(), n.input(0), n.input(1), out, Activations.clip(g, q.activation()));
            case "Mul" -> new IntLayer.Mul(n.name(), n.input(0), n.input(1), out);
            case "Concat" -> new IntLayer.Concat(n.name(), n.inputs(), out, axis(n, n.attrInt("axis", 0)));
            case "Sigmoid" -> new IntLayer.Sigmoid(n.name(), n.input(0), out);
            case "AveragePool" -> n.attrInt("ceil_mode", 0) != 0
                    ? unsupported(n, "ceil_mode=1")
                    : new IntLayer.AveragePool(n.name(), n.input(0), out, n.attrInts("kernel_shape", null),
                    n.attrInts("strides", new long[] {1, 1}), n.attrInts("pads", new long[4]),
                    n.attrInt("count_include_pad", 0) != 0);
            case "GlobalAveragePool" -> new IntLayer.AveragePool(n.name(), n.input(0), out, null, new long[] {1, 1},
                    new long[4], false);
            default -> throw new ConversionException("node '" + n.name() + "' (" + n.opType()
                    + ") has no integer form here; supported: Conv(+BatchNormalization), Gemm, MatMul with a constant"
                    + " weight (+bias Add), each with an optional Relu/Clip, Add(+Relu/Clip), Mul, Concat, Sigmoid,"
                    + " AveragePool, GlobalAveragePool, MaxPool, Reshape, Flatten, Identity, Dropout, a final Softmax");
        };
    }

    private static IntLayer unsupported(Node n, String what) {
        throw new ConversionException("node '" + n.name() + "' (" + n.opType() + "): " + what + " is not supported");
    }

    private IntLayer shapeOnly(Node n) {
        String in = n.input(0);
        String out = n.output(0);
        switch (n.opType()) {
            case "MaxPool":
                if (n.attrInt("ceil_mode", 0) != 0) {
                    throw new ConversionException("node '" + n.name() + "' (MaxPool): ceil_mode=1 is not supported");
                }
                return new IntLayer.MaxPool(n.name(), in, out, n.attrInts("kernel_shape", null),
                        n.attrInts("strides", new long[] {1, 1}), n.attrInts("pads", new long[4]),
                        n.attrInts("dilations", new long[] {1, 1}));
            case "Reshape":
                if (n.attrInt("allowzero", 0) != 0) {
                    throw new ConversionException("node '" + n.name() + "' (Reshape): allowzero=1 is not supported");
                }
                return new IntLayer.Reshape(n.name(), in, out,
                        IntModelConverter.initializer(g, n.input(1), n).toLongVector());
            case "Flatten":
                return new IntLayer.Flatten(n.name(), in, out, axis(n, n.attrInt("axis", 1)));
            default: // Identity, Dropout (inference: identity): a reshape that copies every dimension
                for (int k = 1; k < n.outputs().size(); k++) {
                    if (usedAnywhere(n.output(k))) {
                        throw new ConversionException("node '" + n.name() + "' (" + n.opType() + "): output '"
                                + n.output(k) + "' (mask) is used; not supported");
                    }
                }
                return new IntLayer.Reshape(n.name(), in, out, new long[rank(in, n)]);
        }
    }

    int softmaxAxis(Node softmax) {
        return axis(softmax, softmax.attrInt("axis", g.opset() >= 13 ? -1 : 1));
    }

    /** A non-negative axis for the node's first input (negative axes count from the end). */
    private int axis(Node n, long axis) {
        int r = rank(n.input(0), n);
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new ConversionException("node '" + n.name() + "' (" + n.opType() + "): axis " + axis
                    + " is outside a rank-" + r + " input");
        }
        return (int) a;
    }

    private int rank(String tensor, Node n) {
        long[] s = g.shapes().get(tensor);
        if (s == null) {
            throw new ConversionException("node '" + n.name() + "': the shape of '" + tensor + "' is unknown");
        }
        return s.length;
    }

    private boolean usedAnywhere(String tensor) {
        return g.nodes().stream().anyMatch(x -> x.inputs().contains(tensor))
                || g.outputs().stream().anyMatch(o -> o.name().equals(tensor));
    }
}
