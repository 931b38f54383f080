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
 * <li>Gemm: alpha is multiplied into the weight initializer and beta into C (both become 1).</li>
 * </ul>
 * Not exact vs the integer engine: the bias (the conv/Gemm bias, and for Conv+BN the folded
 * {@code beta + (b - mean) f}) is added in float here, while the converter, the integer engine and
 * ONNX Runtime add the int32 bias {@code s_in s_w[c] rint(b / (s_in s_w[c]))}. That shifts a channel by
 * up to {@code M_c / 2} output LSB ({@code M_c = s_in s_w[c] / s_out}): negligible at 8 bits (measured
 * max 0.045 LSB), up to 0.33 LSB at W4A4 on dwsep_relu6, flipping 0.4-4.7% of a layer's outputs by 1 LSB;
 * later layers amplify the flips (SimulationBiasRoundingTest). Matching it would need a per-channel
 * correction {@code rint(b_fold / (s_in s_w[c])) s_in s_w[c] - b_fold} added after the unit's bias/BN,
 * recomputed every forward from the current input/weight scales and running statistics.
 * With learned ranges, the fake-quant nodes are {@link QatOpTypes#LSQ_FAKE_QUANT} with a scale
 * initializer {@code <quantizer>:scale} (one value, or one per weight channel).
 */
final class QatGraphBuilder {
    static final String FLOAT = ":float";
    static final String FQ = ":fq";
    static final String FOLDED = ":folded";
    static final String SCALE = ":scale";

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
        int channels = (int) inits.get(w).size(l.weightAxis());
        if (l.batchNorm() != null) {
            foldedConv(op, l.batchNorm(), channels);
            emit(l.batchNorm());
        } else {
            fakeQuant(w, w, w + FQ, channels);
            shapes.put(w + FQ, inits.get(w).shape());
            emit(withInput(op, 1, w + FQ));
        }
        if (l.biasAdd() != null) {
            emit(l.biasAdd());
        }
        if (l.activation() != null) {
            emit(l.activation());
        }
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
