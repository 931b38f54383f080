package io.qforge.engine.exec;

import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.Op;
import io.qforge.engine.ops.OpContext;
import io.qforge.engine.ops.OpFactory;
import io.qforge.engine.ops.OpRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a {@link Graph} forward and backward, node by node in topological order. One {@link Op}
 * is built per node; ops that the standard registry does not know (quantizers inserted by the
 * quantization rewriter) come from the {@link OpFactory} given at construction.
 *
 * <p>The executor keeps no tensors between passes: a {@link Pass} holds every value of one
 * forward pass and the per-node contexts, and {@link #backward} consumes it.
 */
public final class Executor {
    private final Graph graph;
    private final List<Op> ops;
    private final String outputName;
    private final String logitsName;
    private final Set<String> trainable;
    private Map<String, Long> profile;
    private String[] profileLabels;

    public Executor(Graph graph) {
        this(graph, OpRegistry::create);
    }

    public Executor(Graph graph, OpFactory factory) {
        this.graph = graph;
        this.ops = new ArrayList<>(graph.nodes().size());
        for (Node node : graph.nodes()) {
            ops.add(factory.create(node));
        }
        this.outputName = graph.outputs().get(0).name();
        this.logitsName = findLogits(graph, outputName);
        this.trainable = findTrainable();
    }

    /**
     * The tensor the loss is computed on: the graph output, or the input of a final Softmax
     * (cross-entropy is taken on logits, and a Softmax at the end of an exported classifier is
     * only a presentation of them).
     */
    private static String findLogits(Graph graph, String output) {
        for (Node node : graph.nodes()) {
            if (node.outputs().contains(output) && node.opType().equals("Softmax")) {
                return node.input(0);
            }
        }
        return output;
    }

    private Set<String> findTrainable() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < ops.size(); i++) {
            Node node = graph.nodes().get(i);
            for (int pos : ops.get(i).trainableInputs()) {
                String in = node.input(pos);
                INDArray init = in.isEmpty() ? null : graph.initializer(in);
                if (init != null && init.dataType().isFPType()) {
                    names.add(in);
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Starts accumulating wall time (ns) per op label and direction ("Conv fwd", "Conv bwd") into
     * {@code sink}, and the number of calls under "... calls" ("Conv fwd calls"); null stops. The
     * label is the op type, for Conv with its kernel kind ({@link #profileLabel}). For benchmarks
     * and diagnosis only.
     */
    public void profileInto(Map<String, Long> sink) {
        this.profile = sink;
        this.profileLabels = sink == null ? null : new String[ops.size()];
    }

    /**
     * The op type, and for Conv which kernel runs it: "Conv depthwise", "Conv grouped",
     * "Conv 1x1 on 1x1" (a GEMM in disguise: squeeze-excitation), "Conv 1x1", "Conv".
     */
    static String profileLabel(Node node, INDArray[] in) {
        if (!node.opType().equals("Conv") || in.length < 2 || in[0] == null || in[1] == null || in[1].rank() != 4) {
            return node.opType();
        }
        long group = node.attrInt("group", 1);
        INDArray w = in[1];
        if (group > 1) {
            return group == in[0].size(1) && w.size(1) == 1 ? "Conv depthwise" : "Conv grouped";
        }
        if (w.size(2) == 1 && w.size(3) == 1) {
            return in[0].rank() == 4 && in[0].size(2) * in[0].size(3) == 1 ? "Conv 1x1 on 1x1" : "Conv 1x1";
        }
        return "Conv";
    }

    private void record(int i, String direction, long ns) {
        String key = profileLabels[i] + " " + direction;
        profile.merge(key, ns, Long::sum);
        profile.merge(key + " calls", 1L, Long::sum);
    }

    public Graph graph() {
        return graph;
    }

    /** Names of the initializers that training updates, in graph order. */
    public Set<String> trainableParameters() {
        return trainable;
    }

    /** The name of the tensor the loss is computed on (see {@link #findLogits}). */
    public String logitsName() {
        return logitsName;
    }

    /** Inference: returns the graph's first output for a batch. */
    public INDArray predict(INDArray input) {
        return forward(input, false, false).value(outputName);
    }

    /**
     * Runs the graph. In training mode BatchNorm uses batch statistics and updates its running
     * statistics unless {@code batchNormFrozen}.
     */
    public Pass forward(INDArray input, boolean training, boolean batchNormFrozen) {
        Map<String, INDArray> values = new HashMap<>(graph.initializers());
        values.put(graph.inputs().get(0).name(), input);
        OpContext[] contexts = new OpContext[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            Node node = graph.nodes().get(i);
            INDArray[] in = new INDArray[node.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                String name = node.input(k);
                if (!name.isEmpty()) {
                    in[k] = values.get(name);
                    if (in[k] == null) {
                        throw new IllegalStateException("node '" + node.name() + "' input '" + name + "' has no value");
                    }
                }
            }
            contexts[i] = new OpContext(training, batchNormFrozen);
            long t0 = profile == null ? 0 : System.nanoTime();
            INDArray[] out = ops.get(i).forward(in, contexts[i]);
            if (profile != null) {
                if (profileLabels[i] == null) {
                    profileLabels[i] = profileLabel(node, in);
                }
                record(i, "fwd", System.nanoTime() - t0);
            }
            for (int k = 0; k < node.outputs().size() && k < out.length; k++) {
                values.put(node.output(k), out[k]);
            }
        }
        return new Pass(values, contexts);
    }

    /**
     * Back-propagates {@code gradLogits} (the loss gradient w.r.t. {@link #logitsName()}) and
     * returns the gradient of every trainable parameter that the loss reaches.
     */
    public Map<String, INDArray> backward(Pass pass, INDArray gradLogits) {
        Map<String, INDArray> grads = new HashMap<>();
        grads.put(logitsName, gradLogits);
        for (int i = ops.size() - 1; i >= 0; i--) {
            Node node = graph.nodes().get(i);
            INDArray[] gOut = new INDArray[node.outputs().size()];
            boolean any = false;
            for (int k = 0; k < gOut.length; k++) {
                gOut[k] = grads.remove(node.output(k));
                any |= gOut[k] != null;
            }
            if (!any) {
                continue;
            }
            INDArray[] in = new INDArray[node.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                in[k] = node.hasInput(k) ? pass.values.get(node.input(k)) : null;
            }
            INDArray[] out = new INDArray[node.outputs().size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = pass.values.get(node.output(k));
            }
            long t0 = profile == null ? 0 : System.nanoTime();
            INDArray[] gIn = ops.get(i).backward(in, out, gOut, pass.contexts[i]);
            if (profile != null) {
                if (profileLabels[i] == null) {
                    profileLabels[i] = profileLabel(node, in);
                }
                record(i, "bwd", System.nanoTime() - t0);
            }
            for (int k = 0; k < in.length && k < gIn.length; k++) {
                String name = node.input(k);
                if (gIn[k] == null || name.isEmpty() || !needsGradient(name)) {
                    continue;
                }
                INDArray prev = grads.get(name);
                grads.put(name, prev == null ? gIn[k] : prev.add(gIn[k]));
            }
        }
        Map<String, INDArray> result = new HashMap<>();
        for (String p : trainable) {
            INDArray g = grads.get(p);
            if (g != null) {
                result.put(p, g);
            }
        }
        return result;
    }

    private boolean needsGradient(String tensor) {
        INDArray init = graph.initializer(tensor);
        return init == null ? !tensor.equals(graph.inputs().get(0).name()) : trainable.contains(tensor);
    }

    /** The values and op contexts of one forward pass. */
    public static final class Pass {
        private final Map<String, INDArray> values;
        private final OpContext[] contexts;

        Pass(Map<String, INDArray> values, OpContext[] contexts) {
            this.values = values;
            this.contexts = contexts;
        }

        public INDArray value(String tensor) {
            return values.get(tensor);
        }
    }

    /** Casts every floating initializer to {@code type} (float64 for gradient checks). */
    public static void castGraph(Graph g, DataType type) {
        for (Map.Entry<String, INDArray> e : g.initializers().entrySet()) {
            if (e.getValue().dataType().isFPType()) {
                e.setValue(e.getValue().castTo(type));
            }
        }
    }
}
