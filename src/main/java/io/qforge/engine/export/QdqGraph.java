package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.OpTable;
import io.qforge.engine.ops.QuantRole;
import io.qforge.engine.ops.ShapeInference;
import io.qforge.engine.graph.ValueInfo;
import io.qforge.engine.onnx.OnnxModelBuilder;
import io.qforge.engine.quant.QuantParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One export of an {@link IntModel} (see {@link QdqExporter} for the layout). Tracks the shape of
 * every float tensor with {@link ShapeInference}, which also checks weights against their inputs
 * and gives the graph output its shape.
 */
final class QdqGraph {

    private final IntModel m;
    private final QdqExportOptions options;
    private final OnnxModelBuilder b;
    private final ExportNames names;
    private final ActivationQdq act;
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, INDArray> constants = new HashMap<>();
    private final Map<String, Long> macs = new LinkedHashMap<>();

    QdqGraph(IntModel m, QdqExportOptions options) {
        this.m = m;
        this.options = options;
        this.b = new OnnxModelBuilder(m.name()).options(options.model()).opset(opset(m));
        this.names = ExportNames.of(m);
        this.act = new ActivationQdq(b, m, options.clamp(), options.activations());
    }

    /** Opset 13, or the first opset of an op a float island writes when that is later (HardSwish: 14). */
    static long opset(IntModel m) {
        long opset = OnnxModelBuilder.DEFAULT_OPSET;
        for (IntLayer l : m.layers()) {
            if (l instanceof IntLayer.FloatIsland f) {
                for (Node n : f.nodes()) {
                    opset = Math.max(opset, OpTable.get(n.opType()).since());
                }
            }
        }
        return opset;
    }

    /**
     * Multiply-accumulates per sample of every Conv/Gemm/MatMul, after {@link #build}: keyed by the
     * INT8 weight initializer of a Conv/Gemm layer, and by {@link MacCounts#ISLAND_PREFIX} + node
     * name for one inside a float island.
     */
    Map<String, Long> macs() {
        return macs;
    }

    ModelProto build() {
        names.used().forEach(b::reserve);
        checkOutputName();
        b.input(new ValueInfo(m.input(), ElementType.FLOAT, m.inputShape()));
        shapes.put(m.input(), m.inputShape());
        act.quantize(m.input(), m.input(), IntLayer.Clip.NONE);
        for (IntLayer l : m.layers()) {
            layer(l);
        }
        String q = m.quantizedOutput();
        long[] outShape = shape(q);
        if (m.softmaxAxis() >= 0) {
            String x = act.dequantize(q, b.uniqueName(q + "_dequantized"));
            b.node(b.uniqueName("Softmax_" + m.outputName()), "Softmax", List.of(x), List.of(m.outputName()),
                    Map.of("axis", (long) m.softmaxAxis()));
        } else {
            act.dequantize(q, m.outputName());
        }
        b.output(new ValueInfo(m.outputName(), ElementType.FLOAT, outShape));
        return b.build();
    }

    private void checkOutputName() {
        if (m.layers().isEmpty()) {
            throw new IllegalArgumentException("int model '" + m.name() + "' has no layers");
        }
        boolean internal = m.input().equals(m.outputName()) || m.layers().stream()
                .anyMatch(l -> l.outputs().contains(m.outputName()) && !m.outputName().equals(m.quantizedOutput()));
        if (internal || m.softmaxAxis() >= 0 && m.outputName().equals(m.quantizedOutput())) {
            throw new IllegalArgumentException("int model '" + m.name() + "': output name '" + m.outputName()
                    + "' is not allowed (the quantized output '" + m.quantizedOutput()
                    + "' without softmax, else a name no other tensor has)");
        }
    }

    private void layer(IntLayer l) {
        Map<String, String> outs = new LinkedHashMap<>(); // integer tensor -> the float tensor its Q reads
        for (String o : l.outputs()) {
            outs.put(o, o.equals(m.outputName()) ? b.uniqueName(o + "_float") : o);
        }
        String out = outs.get(l.output());
        IntLayer.Clip clip = IntLayer.Clip.NONE;
        if (l instanceof IntLayer.Conv c) {
            conv(c, out);
            clip = c.clip();
        } else if (l instanceof IntLayer.Gemm g) {
            gemm(g, out);
            clip = g.clip();
        } else if (l instanceof IntLayer.Add a) {
            op(l, "Add", List.of(dq(a.a()), dq(a.b())), out, Map.of());
            clip = a.clip();
        } else if (l instanceof IntLayer.Mul x) {
            op(l, "Mul", List.of(dq(x.a()), dq(x.b())), out, Map.of());
        } else if (l instanceof IntLayer.Concat c) {
            List<String> ins = new ArrayList<>();
            c.inputs().forEach(t -> ins.add(dq(t)));
            op(l, "Concat", ins, out, Map.of("axis", (long) c.axis()));
        } else if (l instanceof IntLayer.Sigmoid s) {
            op(l, "Sigmoid", List.of(dq(s.input())), out, Map.of());
        } else if (l instanceof IntLayer.MaxPool p) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("kernel_shape", p.kernel().clone());
            put(attrs, "strides", p.strides());
            put(attrs, "pads", p.pads());
            put(attrs, "dilations", p.dilations());
            op(l, "MaxPool", List.of(dq(p.input())), out, attrs);
        } else if (l instanceof IntLayer.AveragePool p) {
            if (p.global()) {
                op(l, "GlobalAveragePool", List.of(dq(p.input())), out, Map.of());
            } else {
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("kernel_shape", p.kernel().clone());
                put(attrs, "strides", p.strides());
                put(attrs, "pads", p.pads());
                attrs.put("count_include_pad", p.countIncludePad() ? 1L : 0L);
                op(l, "AveragePool", List.of(dq(p.input())), out, attrs);
            }
        } else if (l instanceof IntLayer.Reshape r) {
            String shapeName = b.uniqueName(l.output() + "_shape");
            INDArray shape = Nd4j.createFromArray(r.shape().clone());
            b.initializer(shapeName, shape);
            constants.put(shapeName, shape);
            shapes.put(shapeName, shape.shape());
            op(l, "Reshape", List.of(dq(r.input()), shapeName), out, Map.of());
        } else if (l instanceof IntLayer.Flatten f) {
            op(l, "Flatten", List.of(dq(f.input())), out, Map.of("axis", (long) f.axis()));
        } else if (l instanceof IntLayer.FloatIsland f) {
            island(f, outs);
        } else {
            throw new IllegalArgumentException("layer '" + l.name() + "': no QDQ export for "
                    + l.getClass().getSimpleName());
        }
        boolean valueSubset = l instanceof IntLayer.MaxPool || l instanceof IntLayer.Reshape
                || l instanceof IntLayer.Flatten || l instanceof IntLayer.FloatIsland f
                && OpTable.role(f.opType()) == QuantRole.SHARES_INPUT_ENCODING;
        for (Map.Entry<String, String> o : outs.entrySet()) { // each output its own QuantizeLinear (QDQ.md)
            shapes.put(o.getKey(), shape(o.getValue()));
            act.quantize(o.getKey(), o.getValue(), clip,
                    valueSubset && m.encoding(l.inputs().get(0)).equals(m.encoding(o.getKey())));
        }
    }

    /**
     * A float island: DequantizeLinear of each integer input, the island's float nodes (its constants
     * as float initializers, in their opset-13 form as the importer normalized them), and the
     * QuantizeLinear {@link #layer} adds after each of its outputs ({@code outs}: integer tensor ->
     * the float tensor written here). A node keeps every output it has in the FP32 graph (a Split's
     * number of outputs sets its parts), the ones without a QuantizeLinear under fresh names.
     */
    private void island(IntLayer.FloatIsland f, Map<String, String> outs) {
        Map<String, String> renamed = new HashMap<>();
        for (String in : f.inputs()) {
            renamed.put(in, dq(in));
        }
        f.constants().forEach((name, value) -> {
            String c = b.uniqueName(name);
            b.initializer(c, value);
            constants.put(c, value);
            shapes.put(c, value.shape());
            renamed.put(name, c);
        });
        for (int k = 0; k < f.nodes().size(); k++) {
            Node n = f.nodes().get(k);
            List<String> ins = new ArrayList<>();
            n.inputs().forEach(t -> ins.add(t.isEmpty() ? "" : renamed.get(t)));
            List<String> ys = new ArrayList<>();
            for (int o = 0; o < n.outputs().size(); o++) {
                String t = n.output(o);
                String y = t.isEmpty() ? "" : outs.containsKey(t) ? outs.get(t) : b.uniqueName(t + "_island");
                renamed.put(t, y);
                ys.add(y);
            }
            String y = ys.get(0);
            String name = k == 0 ? f.name() : b.uniqueName(n.name());
            Node e = new Node(name, n.opType(), ins, ys, n.attributes());
            List<long[]> inShapes = new ArrayList<>();
            ins.forEach(t -> inShapes.add(t.isEmpty() ? null : shape(t)));
            List<long[]> outShapes = ShapeInference.inferNode(e, inShapes, constants::get);
            for (int o = 0; o < ys.size() && o < outShapes.size(); o++) {
                if (!ys.get(o).isEmpty()) {
                    shapes.put(ys.get(o), outShapes.get(o));
                }
            }
            b.node(e);
            if (MacCounts.LINEAR.contains(n.opType())) {
                long[] w = shape(ins.get(1)).clone();
                if (n.opType().equals("Gemm") && n.attrInt("transB", 0) == 0) { // B [K, N] -> [N, K]
                    w = new long[] {w[1], w[0]};
                }
                macs.put(MacCounts.ISLAND_PREFIX + name, MacCounts.of(n.opType(), shape(y), w));
            }
        }
    }

    private void conv(IntLayer.Conv c, String out) {
        String x = dq(c.input());
        INDArray w = WeightArrays.int8(c.name(), c.weight(), c.weightParams(), 4);
        long oc = w.size(0);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("kernel_shape", new long[] {w.size(2), w.size(3)});
        put(attrs, "strides", c.strides());
        put(attrs, "pads", c.pads());
        put(attrs, "dilations", c.dilations());
        attrs.put("group", (long) c.group());
        String wName = weight(c, w);
        List<String> ins = new ArrayList<>(List.of(x, wName));
        if (c.bias() != null) {
            ins.add(bias(c, c.bias(), oc, c.weightParams()));
        }
        op(c, "Conv", ins, out, attrs);
        macs.put(names.weight(c), MacCounts.of("Conv", shape(out), w.shape()));
    }

    private void gemm(IntLayer.Gemm g, String out) {
        String x = dq(g.input());
        INDArray w = WeightArrays.int8(g.name(), g.weight(), g.weightParams(), 2);
        List<String> ins = new ArrayList<>(List.of(x, weight(g, w)));
        if (g.bias() != null) {
            ins.add(bias(g, g.bias(), w.size(0), g.weightParams()));
        }
        op(g, "Gemm", ins, out, Map.of("transB", 1L, "beta", 1.0));
        macs.put(names.weight(g), MacCounts.of("Gemm", shape(out), w.shape()));
    }

    /** The INT8 weight initializer and its DequantizeLinear (per channel on axis 0, or per tensor). */
    private String weight(IntLayer l, INDArray w) {
        QuantParams p = l instanceof IntLayer.Conv c ? c.weightParams() : ((IntLayer.Gemm) l).weightParams();
        String name = names.weight(l);
        b.initializer(name, w);
        int n = p.channels();
        float[] s = new float[n];
        byte[] z = new byte[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) p.scale(i);
            z[i] = (byte) p.zeroPoint(i);
        }
        boolean perTensor = p.axis() == QuantParams.PER_TENSOR_AXIS;
        INDArray scale = perTensor ? Nd4j.scalar(s[0]) : Nd4j.createFromArray(s);
        INDArray zp = perTensor ? OnnxModelBuilder.scalar(ElementType.INT8, z[0]) : Nd4j.createFromArray(z);
        String y = b.dequantizeLinear(name, scale, zp, 0);
        shapes.put(y, w.shape());
        return y;
    }

    /** The int32 bias initializer and its DequantizeLinear with scale {@code s_x * s_w[c]}, zero point 0. */
    private String bias(IntLayer l, int[] bias, long outChannels, QuantParams wp) {
        if (bias.length != outChannels) {
            throw new IllegalArgumentException("layer '" + l.name() + "': bias has " + bias.length
                    + " values, expected " + outChannels + " (one per output channel)");
        }
        double sx = act.encoding(l.inputs().get(0)).scale(0);
        String name = names.bias(l);
        b.initializer(name, Nd4j.createFromArray(bias.clone()));
        INDArray scale;
        if (wp.axis() == QuantParams.PER_TENSOR_AXIS) {
            scale = Nd4j.scalar((float) (sx * wp.scale(0)));
        } else {
            float[] s = new float[bias.length];
            for (int c = 0; c < s.length; c++) {
                s[c] = (float) (sx * wp.scale(c));
            }
            scale = Nd4j.createFromArray(s);
        }
        String y = b.dequantizeLinear(name, scale, null, 0);
        shapes.put(y, new long[] {bias.length});
        return y;
    }

    /** A DequantizeLinear of an activation for one consumer; its output has the tensor's shape. */
    private String dq(String tensor) {
        long[] s = shape(tensor);
        String y = act.dequantize(tensor);
        shapes.put(y, s);
        return y;
    }

    /** Adds the float op and records its output shape (inferred, which also checks the inputs). */
    private void op(IntLayer l, String opType, List<String> inputs, String out, Map<String, Object> attrs) {
        Node n = new Node(l.name(), opType, inputs, List.of(out), attrs);
        List<long[]> ins = new ArrayList<>();
        inputs.forEach(i -> ins.add(shape(i)));
        shapes.put(out, ShapeInference.inferNode(n, ins, constants::get).get(0));
        b.node(n);
    }

    private long[] shape(String tensor) {
        long[] s = shapes.get(tensor);
        if (s == null) {
            throw new IllegalArgumentException("int model '" + m.name() + "': tensor '" + tensor
                    + "' is read before it is produced (layers must be in topological order)");
        }
        return s;
    }

    private static void put(Map<String, Object> attrs, String key, long[] v) {
        if (v != null) {
            attrs.put(key, v.clone());
        }
    }
}
