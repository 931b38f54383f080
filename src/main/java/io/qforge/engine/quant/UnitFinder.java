package io.qforge.engine.quant;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.OpTable;
import io.qforge.engine.ops.QuantRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Groups the nodes of an FP32 graph into {@link QuantUnit}s, walking them in topological order.
 * A node joins the unit of its producer only when it is the producer output's sole consumer and
 * that output is not a graph output (otherwise the intermediate tensor is needed on its own). The
 * kind of unit follows the op's {@link QuantRole} in the {@link OpTable}: a Conv/Gemm/MatMul with a
 * constant weight is a {@link QuantUnit.Linear}; another INTEGER op whose inputs are all activations
 * a {@link QuantUnit.Quantized}; SHARES_INPUT_ENCODING a {@link QuantUnit.ShapeOnly}; FLOAT_TAIL on the
 * graph output a {@link QuantUnit.FloatTail}; everything else a {@link QuantUnit.FloatIsland}.
 */
final class UnitFinder {
    /** The linear op types: an integer unit when their weight is a constant ({@link #isLinear}). */
    static final Set<String> LINEAR = Set.of("Conv", "Gemm", "MatMul");

    private final Graph g;
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();

    private UnitFinder(Graph g) {
        this.g = g;
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        g.outputs().forEach(o -> graphOutputs.add(o.name()));
    }

    static List<QuantUnit> find(Graph g) {
        return new UnitFinder(g).find();
    }

    private List<QuantUnit> find() {
        List<QuantUnit> units = new ArrayList<>();
        Set<Node> taken = new HashSet<>();
        for (Node n : g.nodes()) {
            if (taken.contains(n)) {
                continue;
            }
            QuantUnit u = unitAt(n);
            taken.addAll(u.nodes());
            units.add(u);
        }
        return units;
    }

    private QuantUnit unitAt(Node n) {
        String type = n.opType();
        if (isLinear(n)) {
            Node cur = n;
            Node bn = null;
            Node biasAdd = null;
            Node next = soleConsumer(cur.output(0));
            if (type.equals("Conv") && next != null && isFoldableBatchNorm(next, cur.output(0))) {
                bn = next;
                cur = bn;
                next = soleConsumer(cur.output(0));
            }
            if (!type.equals("Conv") && !n.hasInput(2) && next != null && isBiasAdd(next, n)) {
                biasAdd = next;
                cur = biasAdd;
                next = soleConsumer(cur.output(0));
            }
            Node act = next != null && isFusableActivation(next) ? next : null;
            return new QuantUnit.Linear(n, bn, biasAdd, act);
        }
        QuantRole role = OpTable.role(type);
        if (role == QuantRole.SHARES_INPUT_ENCODING) {
            return new QuantUnit.ShapeOnly(n);
        }
        if (role == QuantRole.FLOAT_TAIL && graphOutputs.contains(n.output(0))) {
            return new QuantUnit.FloatTail(n);
        }
        boolean integer = role == QuantRole.INTEGER && !LINEAR.contains(type) && !hasConstantInput(n);
        Node act = null;
        if (type.equals("Add") || !integer) {
            Node next = soleConsumer(n.output(0));
            act = next != null && isFusableActivation(next) ? next : null;
        }
        return integer ? new QuantUnit.Quantized(n, act) : new QuantUnit.FloatIsland(n, act);
    }

    /** Conv (4-D weight), Gemm, or MatMul with a 2-D weight, the weight a floating initializer. */
    private boolean isLinear(Node n) {
        INDArray w = n.hasInput(1) ? g.initializer(n.input(1)) : null;
        if (w == null || !w.dataType().isFPType()) {
            return false;
        }
        return switch (n.opType()) {
            case "Conv" -> w.rank() == 4;
            case "Gemm", "MatMul" -> w.rank() == 2;
            default -> false;
        };
    }

    /** True when some input is an initializer (an integer kernel reads quantized activations only). */
    private boolean hasConstantInput(Node n) {
        return n.inputs().stream().anyMatch(t -> !t.isEmpty() && g.isInitializer(t));
    }

    private boolean isFoldableBatchNorm(Node bn, String convOut) {
        if (!bn.opType().equals("BatchNormalization") || !bn.input(0).equals(convOut) || bn.outputs().size() != 1) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (!floatInitializer(bn.input(i))) {
                return false;
            }
        }
        return true;
    }

    /** Add(y, b) or Add(b, y) with b a floating initializer of N values ([N] or [1, N]). */
    private boolean isBiasAdd(Node add, Node linear) {
        if (!add.opType().equals("Add")) {
            return false;
        }
        String out = linear.output(0);
        String other = add.input(0).equals(out) ? add.input(1) : add.input(1).equals(out) ? add.input(0) : null;
        if (other == null || !floatInitializer(other)) {
            return false;
        }
        INDArray w = g.initializer(linear.input(1));
        boolean transB = linear.opType().equals("Gemm") && linear.attrInt("transB", 0) != 0;
        long n = transB ? w.size(0) : w.size(1);
        INDArray b = g.initializer(other);
        return b.length() == n && b.rank() >= 1 && b.rank() <= 2 && b.size(b.rank() - 1) == n;
    }

    /** Relu, or Clip whose bounds are absent or constant scalars. */
    private boolean isFusableActivation(Node n) {
        if (n.opType().equals("Relu")) {
            return true;
        }
        if (!n.opType().equals("Clip")) {
            return false;
        }
        for (int i = 1; i <= 2; i++) {
            if (n.hasInput(i) && (!floatInitializer(n.input(i)) || g.initializer(n.input(i)).length() != 1)) {
                return false;
            }
        }
        return true;
    }

    private boolean floatInitializer(String t) {
        INDArray a = t.isEmpty() ? null : g.initializer(t);
        return a != null && a.dataType().isFPType();
    }

    /** The only consumer of {@code tensor}, or null when it has several, none, or is a graph output. */
    private Node soleConsumer(String tensor) {
        List<Node> c = consumers.get(tensor);
        if (c == null || c.size() != 1 || graphOutputs.contains(tensor)) {
            return null;
        }
        return c.get(0);
    }
}
