package io.qforge.engine.convert;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.quant.QatModel;
import io.qforge.engine.quant.QuantUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds the {@link IntLayer} of one {@link QuantUnit} (see {@link IntModelConverter}): the integer
 * layer of each INTEGER op of the op table ({@link #INTEGER_LAYERS}), the shape-only layers, and a
 * {@link IntLayer.FloatIsland} for a float island or a value-moving op without a layer of its own
 * (an op with several used outputs, such as Split, is one island with all of them).
 */
final class LayerFactory {
    /** The non-linear INTEGER op types with an integer layer here (the linear ones go to {@link LinearLayers}). */
    static final java.util.Set<String> INTEGER_LAYERS = java.util.Set.of("Add", "Mul", "Concat", "Sigmoid",
            "AveragePool", "GlobalAveragePool");

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
        if (u instanceof QuantUnit.FloatIsland f) {
            return island(f);
        }
        QuantUnit.Quantized q = (QuantUnit.Quantized) u;
        Node n = q.op();
        String out = q.output();
        return switch (n.opType()) {
            case "Add" -> new IntLayer.Add(n.name(), n.input(0), n.input(1), out, Activations.clip(g, q.activation()));
            case "Mul" -> new IntLayer.Mul(n.name(), n.input(0), n.input(1), out);
            case "Concat" -> new IntLayer.Concat(n.name(), n.inputs(), out, axis(n, n.attrInt("axis", 0)));
            case "Sigmoid" -> new IntLayer.Sigmoid(n.name(), n.input(0), out);
            case "AveragePool" -> n.attrInt("ceil_mode", 0) != 0 // partial last window: the op itself, in float
                    ? island(new QuantUnit.FloatIsland(n, q.activation()))
                    : new IntLayer.AveragePool(n.name(), n.input(0), out, n.attrInts("kernel_shape", null),
                    n.attrInts("strides", new long[] {1, 1}), n.attrInts("pads", new long[4]),
                    n.attrInt("count_include_pad", 0) != 0);
            case "GlobalAveragePool" -> new IntLayer.AveragePool(n.name(), n.input(0), out, null, new long[] {1, 1},
                    new long[4], false);
            default -> throw new ConversionException("node '" + n.name() + "' (" + n.opType()
                    + ") is an INTEGER op in the op table without an integer layer here (convert.LayerFactory)");
        };
    }

    /**
     * A float island: its activation inputs stay integer tensors (dequantized by the step), its
     * constant inputs are copied as trained (BatchNorm scale, bias and running statistics, ...).
     */
    private IntLayer island(QuantUnit.FloatIsland f) {
        Node op = f.op();
        List<String> outputs = new ArrayList<>(List.of(f.output()));
        for (int k = 1; k < op.outputs().size(); k++) {
            if (!op.output(k).isEmpty() && usedAnywhere(op.output(k))) {
                if (f.nodes().size() > 1) {
                    throw new ConversionException("node '" + op.name() + "' (" + op.opType() + "): its output "
                            + k + " '" + op.output(k) + "' is used and its output 0 goes through a fused "
                            + f.nodes().get(1).opType() + "; an island with several outputs is one op");
                }
                outputs.add(op.output(k));
            }
        }
        List<String> inputs = new ArrayList<>();
        Map<String, INDArray> constants = new LinkedHashMap<>();
        Set<String> produced = new HashSet<>();
        for (Node n : f.nodes()) {
            for (String t : n.inputs()) {
                if (t.isEmpty() || produced.contains(t) || inputs.contains(t) || constants.containsKey(t)) {
                    continue;
                }
                INDArray c = g.initializer(t);
                if (c != null) {
                    constants.put(t, c.dup());
                } else {
                    inputs.add(t);
                }
            }
            produced.addAll(n.outputs());
        }
        return new IntLayer.FloatIsland(f.op().name(), f.nodes(), inputs, outputs, constants);
    }

    private IntLayer shapeOnly(Node n) {
        String in = n.input(0);
        String out = n.output(0);
        switch (n.opType()) {
            case "MaxPool":
                if (n.attrInt("ceil_mode", 0) != 0) { // no integer kernel for the partial last window: the op itself
                    return island(new QuantUnit.FloatIsland(n, null));
                }
                return new IntLayer.MaxPool(n.name(), in, out, n.attrInts("kernel_shape", null),
                        n.attrInts("strides", new long[] {1, 1}), n.attrInts("pads", new long[4]),
                        n.attrInts("dilations", new long[] {1, 1}));
            case "Reshape":
                if (n.attrInt("allowzero", 0) != 0) {
                    return island(new QuantUnit.FloatIsland(n, null));
                }
                return new IntLayer.Reshape(n.name(), in, out,
                        IntModelConverter.initializer(g, n.input(1), n).toLongVector());
            case "Flatten":
                return new IntLayer.Flatten(n.name(), in, out, axis(n, n.attrInt("axis", 1)));
            case "Identity", "Dropout": // inference: identity, a reshape that copies every dimension
                for (int k = 1; k < n.outputs().size(); k++) {
                    if (usedAnywhere(n.output(k))) {
                        throw new ConversionException("node '" + n.name() + "' (" + n.opType() + "): output '"
                                + n.output(k) + "' (mask) is used; not supported");
                    }
                }
                return new IntLayer.Reshape(n.name(), in, out, new long[rank(in, n)]);
            default: // any other op that moves values: its FP32 op on the integers' values, same encoding out (exact)
                return island(new QuantUnit.FloatIsland(n, null));
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
