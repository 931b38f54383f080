package io.qforge.engine.quant;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the QAT graph of a {@link QuantizationPlan}: a copy of the FP32 graph (initializers
 * copied) with fake-quant nodes inserted. Tensor names:
 * <ul>
 * <li>an activation T keeps its name for the fake-quantized value; its producer now writes
 *     {@code T:float} and a fake-quant node {@code T:float -> T} follows (the graph output keeps
 *     its name); the graph input X is quantized into {@code X:fq};</li>
 * <li>a weight W is fake-quantized into {@code W:fq};</li>
 * <li>Conv + BatchNormalization (QAT-MATH.md): {@code (f, 1/f) = BnFoldFactor(gamma, var)},
 *     {@code W:folded = W * f}, {@code W:fq = FakeQuant(W:folded)},
 *     {@code Y:scaled = Conv(x, W:fq)} (no bias), {@code Y = Y:scaled * 1/f} (+ b reshaped to
 *     [C,1,1]: in this graph a folded conv's bias initializer has shape [C,1,1]), then the original
 *     BatchNormalization, which is live (batch statistics) or frozen (exactly the folded conv);</li>
 * <li>Gemm: alpha is multiplied into the weight initializer and beta into C (both become 1);</li>
 * <li>a unit with a bias the converter quantizes to int32 gets a {@link QatOpTypes#BIAS_ROUNDING} node on
 *     its pre-activation tensor T (the BN output, else the Conv/Gemm/bias-Add output, renamed
 *     {@code T:unrounded}): it adds {@code rint(b / (s_in s_w[c])) s_in s_w[c] - b} so that the simulation
 *     adds the same int32-grid bias as the integer engine and ONNX Runtime ({@link BiasRoundingOp}; at
 *     4 bits the float bias was up to a third of an output LSB off and flipped several percent of the
 *     outputs).</li>
 * </ul>
 * With learned ranges, the fake-quant nodes are {@link QatOpTypes#LSQ_FAKE_QUANT} with a scale
 * initializer {@code <quantizer>:scale} (one value, or one per weight channel).
 */
final class QatGraphBuilder {
    static final String FLOAT = ":float";
    static final String FQ = ":fq";
    static final String FOLDED = ":folded";
    static final String SCALE = ":scale";
    static final String UNROUNDED = ":unrounded";

    private final QuantizationPlan plan;
    private final boolean lsq;
    private final boolean perChannelWeights;
    private final Map<String, INDArray> inits = new LinkedHashMap<>();
    private final Map<String, long[]> shapes;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, String> renamed = new HashMap<>();
    private final Map<String, String> quantizedNames = new LinkedHashMap<>();
    private final Map<String, String> lsqScales = new LinkedHashMap<>();

    private QatGraphBuilder(Graph fp32, QuantizationPlan plan, QuantConfig cfg) {
        this.plan = plan;
        this.lsq = cfg.learnedRanges();
        this.perChannelWeights = cfg.weightGranularity() == Granularity.PER_CHANNEL;
        fp32.initializers().forEach((k, v) -> inits.put(k, v.dup()));
        this.shapes = new LinkedHashMap<>(fp32.shapes());
    }

    /** The rewritten graph and the name of each quantizer's fake-quantized tensor. */
    record Result(Graph graph, Map<String, String> quantizedTensors, Map<String, String> lsqScales) {
    }

    static Result build(Graph fp32, QuantizationPlan plan, QuantConfig cfg) {
        QatGraphBuilder b = new QatGraphBuilder(fp32, plan, cfg);
        String input = fp32.inputs().get(0).name();
        if (plan.isQuantizedActivation(input)) {
            b.fakeQuant(input, input, input + FQ, 1);
            b.renamed.put(input, input + FQ);
            b.shapes.put(input + FQ, fp32.shapes().get(input));
        }
        for (QuantUnit u : plan.units()) {
            if (u instanceof QuantUnit.Linear l) {
                b.linear(l);
            } else {
                u.nodes().forEach(b::emit);
            }
        }
        Graph g = new Graph(fp32.name(), fp32.inputs(), fp32.outputs(), b.nodes, b.inits, b.shapes, fp32.opset());
        return new Result(g, b.quantizedNames, b.lsqScales);
    }

    private void linear(QuantUnit.Linear l) {
        Node op = l.op();
        String w = l.weight();
        if (op.opType().equals("Gemm")) {
            op = normalizeGemm(op);
        }
        Node rounding = biasRounding(l, op);
        int channels = (int) inits.get(w).size(l.weightAxis());
        if (l.batchNorm() != null) {
            foldedConv(op, l.batchNorm(), channels);
            emitRounded(l.batchNorm(), rounding);
        } else {
            fakeQuant(w, w, w + FQ, channels);
            shapes.put(w + FQ, inits.get(w).shape());
            emitRounded(withInput(op, 1, w + FQ), rounding);
        }
        if (l.biasAdd() != null) {
            emitRounded(l.biasAdd(), rounding);
        }
        if (l.activation() != null) {
            emit(l.activation());
        }
    }

    /**
     * The {@link QatOpTypes#BIAS_ROUNDING} node of a unit whose bias the converter quantizes to int32
     * (the same bias the converter reads: folded with BN, else the Conv bias / Gemm C / the MatMul's bias
     * Add operand), or null (no bias, a computed bias, or an unquantized input). Its output is the
     * tensor it corrects, the unit's pre-activation value; its input 0 that tensor + {@code :unrounded}.
     */
    private Node biasRounding(QuantUnit.Linear l, Node op) {
        String inQuantizer = plan.encodingSources().get(l.input());
        if (inQuantizer == null || !plan.isQuantizedActivation(inQuantizer)) {
            return null;
        }
        boolean conv = op.opType().equals("Conv");
        String target;
        List<String> ins = new ArrayList<>();
        Map<String, Object> attrs = new HashMap<>();
        if (conv && l.batchNorm() != null) {
            Node bn = l.batchNorm();
            target = bn.output(0);
            ins.addAll(List.of(bn.input(1), bn.input(2), bn.input(3), bn.input(4)));
            if (op.hasInput(2)) {
                ins.add(op.input(2));
            }
            attrs.put(BiasRoundingOp.ATTR_MODE, BiasRoundingOp.MODE_BN);
            attrs.put("epsilon", bn.attrFloat("epsilon", 1e-5));
        } else {
            String bias;
            if (conv || op.opType().equals("Gemm")) {
                bias = op.hasInput(2) ? op.input(2) : null;
                target = op.output(0);
            } else if (l.biasAdd() != null) {
                Node add = l.biasAdd();
                bias = add.input(0).equals(op.output(0)) ? add.input(1) : add.input(0);
                target = add.output(0);
            } else {
                bias = null;
                target = null;
            }
            if (bias == null || !inits.containsKey(bias)) {
                return null;
            }
            ins.add(bias);
            attrs.put(BiasRoundingOp.ATTR_MODE, BiasRoundingOp.MODE_BIAS);
        }
        for (String t : ins) {
            if (!inits.containsKey(t)) {
                return null;
            }
        }
        ins.add(0, target + UNROUNDED);
        attrs.put(BiasRoundingOp.ATTR_INPUT_QUANTIZER, inQuantizer);
        attrs.put(BiasRoundingOp.ATTR_WEIGHT_QUANTIZER, l.weight());
        attrs.put(BiasRoundingOp.ATTR_CHANNEL_AXIS, conv ? 1L : -1L);
        return new Node(op.name() + ":bias_rounding", QatOpTypes.BIAS_ROUNDING, ins, List.of(target), attrs);
    }

    /** Emits {@code n}; when it produces the tensor {@code rounding} corrects, via {@code :unrounded} and the correction. */
    private void emitRounded(Node n, Node rounding) {
        if (rounding == null || !n.output(0).equals(rounding.output(0))) {
            emit(n);
            return;
        }
        String t = n.output(0);
        List<String> outs = new ArrayList<>(n.outputs());
        outs.set(0, t + UNROUNDED);
        shapes.put(t + UNROUNDED, shapes.get(t));
        emit(new Node(n.name(), n.opType(), n.inputs(), outs, n.attributes()));
        emit(rounding);
    }

    /** Multiplies alpha into B and beta into C, returning the node with alpha = beta = 1. */
    private Node normalizeGemm(Node gemm) {
        double alpha = gemm.attrFloat("alpha", 1.0);
        double beta = gemm.attrFloat("beta", 1.0);
        if (alpha == 1.0 && beta == 1.0) {
            return gemm;
        }
        inits.get(gemm.input(1)).muli(alpha);
        if (gemm.hasInput(2) && inits.containsKey(gemm.input(2))) {
            inits.get(gemm.input(2)).muli(beta);
        } else if (gemm.hasInput(2) && beta != 1.0) {
            throw new IllegalArgumentException("Gemm '" + gemm.name() + "': beta " + beta
                    + " with a computed C is not supported (C must be an initializer)");
        }
        Map<String, Object> a = new HashMap<>(gemm.attributes());
        a.put("alpha", 1.0);
        a.put("beta", 1.0);
        return new Node(gemm.name(), gemm.opType(), gemm.inputs(), gemm.outputs(), a);
    }

    private void foldedConv(Node conv, Node bn, int channels) {
        String w = conv.input(1);
        String c = conv.name();
        String f = c + ":bn_f";
        String invF = c + ":bn_inv_f";
        nodes.add(new Node(c + ":bn_fold_factor", QatOpTypes.BN_FOLD_FACTOR, List.of(bn.input(1), bn.input(4)),
                List.of(f, invF), Map.of("epsilon", bn.attrFloat("epsilon", 1e-5))));
        nodes.add(new Node(c + ":fold_weight", "Mul", List.of(w, f), List.of(w + FOLDED), Map.of()));
        fakeQuant(w, w + FOLDED, w + FQ, channels);
        long[] ws = inits.get(w).shape();
        shapes.put(f, new long[] {channels, 1, 1, 1});
        shapes.put(invF, new long[] {1, channels, 1, 1});
        shapes.put(w + FOLDED, ws);
        shapes.put(w + FQ, ws);
        String y = conv.output(0);
        boolean hasBias = conv.hasInput(2);
        String unscaled = hasBias ? y + ":nobias" : y;
        List<String> convIn = List.of(rename(conv.input(0)), w + FQ);
        nodes.add(new Node(c, "Conv", convIn, List.of(y + ":scaled"), conv.attributes()));
        nodes.add(new Node(c + ":unscale", "Mul", List.of(y + ":scaled", invF), List.of(unscaled), Map.of()));
        shapes.put(y + ":scaled", shapes.get(y));
        shapes.put(unscaled, shapes.get(y));
        if (hasBias) {
            String b = conv.input(2);
            inits.put(b, inits.get(b).reshape(channels, 1, 1).dup());
            nodes.add(new Node(c + ":bias", "Add", List.of(unscaled, b), List.of(y), Map.of()));
        }
    }

    /** Adds {@code node} with renamed inputs; an output with an activation quantizer gets one after it. */
    private void emit(Node node) {
        List<String> ins = new ArrayList<>(node.inputs().size());
        node.inputs().forEach(i -> ins.add(rename(i)));
        List<String> outs = new ArrayList<>(node.outputs());
        List<String> quantize = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            String t = outs.get(k);
            if (plan.isQuantizedActivation(t)) {
                outs.set(k, t + FLOAT);
                shapes.put(t + FLOAT, shapes.get(t));
                quantize.add(t);
            }
        }
        nodes.add(new Node(node.name(), node.opType(), ins, outs, node.attributes()));
        for (String t : quantize) {
            fakeQuant(t, t + FLOAT, t, 1);
        }
    }

    private void fakeQuant(String quantizer, String in, String out, int channels) {
        quantizedNames.put(quantizer, out);
        Map<String, Object> attrs = Map.of(QatOpTypes.ATTR_QUANTIZER, quantizer);
        String name = quantizer + ":fake_quant";
        if (!lsq) {
            nodes.add(new Node(name, QatOpTypes.FAKE_QUANT, List.of(in), List.of(out), attrs));
            return;
        }
        boolean perChannel = perChannelWeights && plan.weights().containsKey(quantizer);
        String scale = quantizer + SCALE;
        DataType type = inits.containsKey(quantizer) ? inits.get(quantizer).dataType() : DataType.FLOAT;
        inits.put(scale, Nd4j.ones(type, perChannel ? channels : 1));
        lsqScales.put(quantizer, scale);
        nodes.add(new Node(name, QatOpTypes.LSQ_FAKE_QUANT, List.of(in, scale), List.of(out), attrs));
    }

    private String rename(String tensor) {
        return renamed.getOrDefault(tensor, tensor);
    }

    private Node withInput(Node n, int index, String tensor) {
        List<String> ins = new ArrayList<>(n.inputs());
        for (int i = 0; i < ins.size(); i++) {
            ins.set(i, i == index ? tensor : rename(ins.get(i)));
        }
        return new Node(n.name(), n.opType(), ins, n.outputs(), n.attributes());
    }
}
