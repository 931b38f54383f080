package io.qforge.engine.quant;

import io.qforge.engine.exec.Executor;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpFactory;
import io.qforge.engine.ops.OpRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An FP32 graph prepared for quantization-aware training: a rewritten copy with fake-quant nodes
 * ({@link QatGraphBuilder}, placement by {@link QuantizationPlan}), one {@link FakeQuantizer} per
 * quantized tensor, the {@link OpFactory} that runs the inserted node types, and switches for all
 * quantizers. The caller's FP32 graph is never modified.
 *
 * <p>Life cycle: {@link #prepare} (observers on, fake quantization off: the graph computes exactly
 * the FP32 function) -> {@link Calibrator#calibrate} (params; fake quantization on) -> evaluate
 * (PTQ) and/or {@link QatTrainer#fit} -> {@link io.qforge.engine.convert.IntModelConverter}.
 */
public final class QatModel {
    private final Graph graph;
    private final QuantConfig config;
    private final QuantizationPlan plan;
    private final Map<String, FakeQuantizer> quantizers;
    private final Map<String, String> quantizedTensors;
    private final Map<String, String> lsqScales;
    private Executor executor;

    private QatModel(Graph graph, QuantConfig config, QuantizationPlan plan, Map<String, FakeQuantizer> quantizers,
                     Map<String, String> quantizedTensors, Map<String, String> lsqScales) {
        this.graph = graph;
        this.config = config;
        this.plan = plan;
        this.quantizers = Collections.unmodifiableMap(quantizers);
        this.quantizedTensors = Collections.unmodifiableMap(quantizedTensors);
        this.lsqScales = Collections.unmodifiableMap(lsqScales);
    }

    /**
     * Places the quantizers in a copy of {@code fp32} and builds them per {@code cfg}. Every
     * quantizer starts with its observer on and fake quantization off.
     *
     * @throws IllegalArgumentException naming the graph or node that cannot be prepared
     */
    public static QatModel prepare(Graph fp32, QuantConfig cfg) {
        QuantizationPlan plan = QuantizationPlan.of(fp32);
        QatGraphBuilder.Result r = QatGraphBuilder.build(fp32, plan, cfg);
        Map<String, FakeQuantizer> qs = new LinkedHashMap<>();
        for (String a : plan.activations()) {
            qs.put(a, FakeQuantizer.forActivation(a, cfg));
        }
        plan.weights().forEach((w, axis) -> qs.put(w, FakeQuantizer.forWeight(w, cfg, axis)));
        QatModel m = new QatModel(r.graph(), cfg, plan, qs, r.quantizedTensors(), r.lsqScales());
        m.setObserversEnabled(true);
        m.setFakeQuantEnabled(false);
        return m;
    }

    /** The rewritten graph; its initializers are this model's parameters (trained in place). */
    public Graph graph() {
        return graph;
    }

    public QuantConfig config() {
        return config;
    }

    public QuantizationPlan plan() {
        return plan;
    }

    /** Quantizers by name (the quantized tensor: graph input and activations first, then weights). */
    public Map<String, FakeQuantizer> quantizers() {
        return quantizers;
    }

    public FakeQuantizer quantizer(String name) {
        FakeQuantizer q = quantizers.get(name);
        if (q == null) {
            throw new IllegalArgumentException("QAT model '" + graph.name() + "': no quantizer '" + name
                    + "'; quantizers: " + quantizers.keySet());
        }
        return q;
    }

    /** The tensor of {@link #graph()} holding quantizer {@code name}'s fake-quantized value. */
    public String quantizedTensor(String name) {
        quantizer(name);
        return quantizedTensors.get(name);
    }

    /** Resolves the QAT node types (fake quant, LSQ fake quant, BN fold factor), else {@link OpRegistry}. */
    public OpFactory opFactory() {
        return this::createOp;
    }

    private Op createOp(Node node) {
        return switch (node.opType()) {
            case QatOpTypes.FAKE_QUANT -> new QatFakeQuantOp(quantizerOf(node));
            case QatOpTypes.LSQ_FAKE_QUANT -> new QatLsqOp(quantizerOf(node));
            case QatOpTypes.BN_FOLD_FACTOR -> new BnFoldFactorOp(node);
            case QatOpTypes.BIAS_ROUNDING -> new BiasRoundingOp(node, this);
            case QatOpTypes.TO_FLOAT64 -> new ToFloat64Op(this, node.attrString(QatOpTypes.ATTR_QUANTIZER, null));
            default -> OpRegistry.create(node);
        };
    }

    private FakeQuantizer quantizerOf(Node node) {
        String name = node.attrString(QatOpTypes.ATTR_QUANTIZER, null);
        if (name == null || !quantizers.containsKey(name)) {
            throw new IllegalArgumentException("node '" + node.name() + "' (" + node.opType() + "): quantizer '" + name
                    + "' is not one of this model's quantizers");
        }
        return quantizers.get(name);
    }

    /** The executor over {@link #graph()} with {@link #opFactory()} (built once, shared). */
    public synchronized Executor executor() {
        if (executor == null) {
            executor = new Executor(graph, opFactory());
        }
        return executor;
    }

    /**
     * The simulation for evaluation: the same nodes, parameters (copied now, as float64) and
     * quantizers, computed in float64; the graph input is quantized in float32 first, as the
     * integer engine and ONNX Runtime quantize it, then widened to the exact float64 grid values
     * {@code s (q - z)}. Call it after training (it copies the current parameters). Its outputs are
     * float64.
     *
     * <p>Why: with float32 arithmetic a conv's pre-rounding output lies up to ~5e-4 output steps from
     * its exact value {@code (acc + q_b) s_in s_w[c] / s_out} (float32 products and sums), so ~1e-5 of
     * each layer's outputs round to the other neighbour than in the integer engine, which computes that
     * value exactly; a deep network amplifies each such 1-step flip (resnet18 after PTQ: 43% of the
     * logits off by at least one step, LayerAgreementProbe). In float64 the error is ~1e-13 steps and
     * the simulation rounds every output as the integer engine does. The converter quantizes weights
     * from the same float64 values ({@link io.qforge.engine.convert.IntModelConverter}).
     */
    public Executor float64Executor() {
        String input = graph.inputs().get(0).name();
        String inputScale = lsqScales.get(input); // the input's learned scale stays float32, as its fake quant
        Map<String, INDArray> inits = new LinkedHashMap<>();
        graph.initializers().forEach((k, v) -> inits.put(k, v.dataType().isFPType() && !k.equals(inputScale)
                ? v.castTo(DataType.DOUBLE) : v));
        String fq = quantizers.containsKey(input) ? quantizedTensors.get(input) : null;
        String narrow = (fq == null ? input : fq) + ":float32";
        List<Node> nodes = new ArrayList<>();
        String wide = input + ":float64";
        if (fq == null) { // an unquantized graph input: widened as it comes
            nodes.add(new Node(wide, QatOpTypes.TO_FLOAT64, List.of(input), List.of(wide), Map.of()));
        }
        for (Node n : graph.nodes()) {
            if (fq != null && n.outputs().contains(fq)) { // the input's fake quant: float32, then widened
                nodes.add(new Node(n.name(), n.opType(), n.inputs(), List.of(narrow), n.attributes()));
                nodes.add(new Node(wide, QatOpTypes.TO_FLOAT64, List.of(narrow), List.of(fq),
                        Map.of(QatOpTypes.ATTR_QUANTIZER, input)));
            } else if (fq == null && n.inputs().contains(input)) {
                nodes.add(new Node(n.name(), n.opType(), n.inputs().stream().map(i -> i.equals(input) ? wide : i)
                        .toList(), n.outputs(), n.attributes()));
            } else {
                nodes.add(n);
            }
        }
        Map<String, long[]> shapes = new LinkedHashMap<>(graph.shapes());
        shapes.put(narrow, graph.shapes().get(input));
        shapes.put(wide, graph.shapes().get(input));
        return new Executor(new Graph(graph.name(), graph.inputs(), graph.outputs(), nodes, inits, shapes,
                graph.opset()), opFactory());
    }

    /** Observers of every quantizer on or off. */
    public void setObserversEnabled(boolean on) {
        quantizers.values().forEach(q -> q.setObserverEnabled(on));
    }

    /** Fake quantization of every quantizer on or off (off: the graph computes the float function). */
    public void setFakeQuantEnabled(boolean on) {
        quantizers.values().forEach(q -> q.setFakeQuantEnabled(on));
    }

    /** True when every quantizer has params (after calibration). */
    public boolean calibrated() {
        return quantizers.values().stream().allMatch(FakeQuantizer::hasParams);
    }

    public boolean learnedRanges() {
        return !lsqScales.isEmpty();
    }

    /** Names of the LSQ scale initializers by quantizer (empty without learned ranges). */
    public Map<String, String> lsqScales() {
        return lsqScales;
    }

    /**
     * The params the fake-quant node of {@code name} uses in a forward pass: the quantizer's params,
     * with the learned scales (clamped as the forward clamps them) under LSQ.
     */
    public QuantParams params(String name) {
        FakeQuantizer q = quantizer(name);
        QuantParams p = q.params();
        String scale = lsqScales.get(name);
        if (scale == null) {
            return p;
        }
        INDArray s = graph.initializer(scale);
        double[] v = s.castTo(DataType.DOUBLE).reshape(s.length()).toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(v[i], LsqFakeQuantOp.MIN_SCALE);
        }
        return p.withScales(v);
    }

    /** LSQ: writes every quantizer's current scales into its scale initializer (after calibration). */
    void seedLearnedScales() {
        lsqScales.forEach((name, init) -> {
            double[] s = quantizer(name).params().scales();
            INDArray target = graph.initializer(init);
            target.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(s).castTo(target.dataType())
                    .reshape(target.shape()));
        });
    }

    /** LSQ: makes each quantizer's params carry the learned scales (call after training). */
    public void adoptLearnedScales() {
        lsqScales.forEach((name, init) -> {
            LsqFakeQuantOp.clampScaleInPlace(graph.initializer(init));
            quantizer(name).adoptScales(graph.initializer(init));
        });
    }
}
