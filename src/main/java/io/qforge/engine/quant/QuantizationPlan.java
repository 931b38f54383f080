package io.qforge.engine.quant;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the quantizers go in an FP32 graph (QDQ.md), computed without changing the graph:
 * <ul>
 * <li>the graph input;</li>
 * <li>the weight of every Conv / Gemm / MatMul with a constant weight (per output channel);</li>
 * <li>the output of every unit: Conv(+BN)(+Relu/Clip), Gemm/MatMul(+bias Add)(+Relu/Clip),
 *     Add(+Relu/Clip), Mul, Concat, Sigmoid, AveragePool, GlobalAveragePool, any other op;</li>
 * <li>the inputs and output of a float island (an op without an integer kernel: it runs in float
 *     between DequantizeLinear and QuantizeLinear; its constant inputs stay float);</li>
 * <li>an op input that is not quantized yet (for example both inputs of an Add that are not unit
 *     outputs);</li>
 * <li>none after MaxPool / Flatten / Reshape / Identity / Dropout and the other value-moving ops:
 *     their output (each used output of a Split) shares the input's encoding; none after a trailing
 *     Softmax (stays float).</li>
 * </ul>
 * Names: an activation quantizer is named after the tensor it quantizes, a weight quantizer after
 * the weight initializer.
 */
public final class QuantizationPlan {
    private final List<QuantUnit> units;
    private final Map<String, Integer> weights;
    private final List<String> activations;
    private final Map<String, String> encodingSources;

    private QuantizationPlan(List<QuantUnit> units, Map<String, Integer> weights, List<String> activations,
                             Map<String, String> encodingSources) {
        this.units = List.copyOf(units);
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.activations = List.copyOf(activations);
        this.encodingSources = Collections.unmodifiableMap(new LinkedHashMap<>(encodingSources));
    }

    /** Finds the units of {@code g} and places the quantizers. */
    public static QuantizationPlan of(Graph g) {
        if (g.inputs().size() != 1 || g.outputs().size() != 1) {
            throw new IllegalArgumentException("graph '" + g.name() + "': quantization needs exactly one input and one"
                    + " output, has " + g.inputs().size() + " inputs and " + g.outputs().size() + " outputs");
        }
        List<QuantUnit> units = UnitFinder.find(g);
        Map<String, Integer> weights = new LinkedHashMap<>();
        List<String> activations = new ArrayList<>();
        Map<String, String> sources = new HashMap<>();
        Placer p = new Placer(g, activations, sources);
        p.ensure(g.inputs().get(0).name());
        Set<String> used = new HashSet<>();
        g.nodes().forEach(n -> used.addAll(n.inputs()));
        g.outputs().forEach(o -> used.add(o.name()));
        for (QuantUnit u : units) {
            if (u instanceof QuantUnit.Linear l) {
                p.ensure(l.input());
                if (weights.put(l.weight(), l.weightAxis()) != null) {
                    throw new IllegalArgumentException("graph '" + g.name() + "': weight '" + l.weight()
                            + "' is shared by several nodes (second: '" + l.op().name() + "'); not supported");
                }
                p.ensure(l.output());
            } else if (u instanceof QuantUnit.Quantized q) {
                q.op().inputs().forEach(p::ensure);
                p.ensure(q.output());
            } else if (u instanceof QuantUnit.FloatIsland f) {
                f.op().inputs().forEach(p::ensure);
                p.ensure(f.output());
                otherUsedOutputs(f, used).forEach(p::ensure);
            } else if (u instanceof QuantUnit.ShapeOnly s) {
                p.ensure(s.op().input(0));
                String source = sources.get(s.op().input(0));
                sources.put(s.output(), source);
                otherUsedOutputs(s, used).forEach(t -> sources.put(t, source));
            } else if (u instanceof QuantUnit.FloatTail t) {
                p.ensure(t.op().input(0));
            }
        }
        return new QuantizationPlan(units, weights, activations, sources);
    }

    /**
     * The used outputs after the first of a one-op unit whose op has several (Split): each is an
     * integer tensor like the first (its own quantizer on an island, the input's encoding on a
     * value-moving op).
     */
    private static List<String> otherUsedOutputs(QuantUnit u, Set<String> used) {
        List<String> out = new ArrayList<>();
        if (u.nodes().size() == 1) {
            List<String> all = u.head().outputs();
            for (int k = 1; k < all.size(); k++) {
                if (!all.get(k).isEmpty() && used.contains(all.get(k))) {
                    out.add(all.get(k));
                }
            }
        }
        return out;
    }

    /** The units in graph order. */
    public List<QuantUnit> units() {
        return units;
    }

    /** Weight initializer name -> output-channel axis, in graph order. */
    public Map<String, Integer> weights() {
        return weights;
    }

    /** Tensors that get an activation quantizer (each names its quantizer), the graph input first. */
    public List<String> activations() {
        return activations;
    }

    /** Every integer tensor -> the activation quantizer whose encoding it has (itself, or shared). */
    public Map<String, String> encodingSources() {
        return encodingSources;
    }

    public boolean isQuantizedActivation(String tensor) {
        return encodingSources.containsKey(tensor) && encodingSources.get(tensor).equals(tensor);
    }

    /** Quantizer names: the graph input and activations, then the weights. */
    public Set<String> quantizerNames() {
        Set<String> s = new java.util.LinkedHashSet<>(activations);
        s.addAll(weights.keySet());
        return s;
    }

    /** Adds an activation quantizer on a tensor that has no encoding yet (not on initializers). */
    private record Placer(Graph g, List<String> activations, Map<String, String> sources) {
        void ensure(String tensor) {
            if (tensor.isEmpty() || g.isInitializer(tensor) || sources.containsKey(tensor)) {
                return;
            }
            activations.add(tensor);
            sources.put(tensor, tensor);
        }
    }
}
