package io.qforge.engine.onnx;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.ShapeInference;
import io.qforge.engine.graph.ShapeInferenceException;
import io.qforge.engine.graph.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * One import: the state of walking one ONNX graph into the IR (initializers, the input, nodes in
 * topological order with constant folding and normalization, outputs, shape inference).
 * {@link OnnxImporter} is the public entry point.
 */
final class GraphImport {
    private final GraphProto gp;
    private final ImportState s;
    private final List<Node> kept = new ArrayList<>();
    private final Map<String, Integer> nodeNames = new HashMap<>();

    GraphImport(GraphProto gp, long opset) {
        this.gp = gp;
        this.s = new ImportState(opset);
    }

    Graph run() {
        if (gp.getOutputCount() == 0) {
            s.problems.add("graph has no outputs; a model must declare the output qforge trains (its logits)");
        }
        for (ValueInfoProto o : gp.getOutputList()) {
            s.graphOutputs.add(o.getName());
        }
        readInitializers();
        ValueInfo input = readInput();
        for (NodeProto np : gp.getNodeList()) {
            for (String i : np.getInputList()) {
                s.consumers.merge(i, 1, Integer::sum);
            }
        }
        for (int i : topologicalOrder()) {
            visit(gp.getNode(i), i);
        }
        List<ValueInfo> outputs = readOutputs();
        List<Node> nodes = applyRenames();
        Map<String, INDArray> inits = usedInitializers(nodes);
        if (!s.problems.isEmpty()) {
            throw new UnsupportedModelException(s.problems);
        }
        List<ValueInfo> inputs = input == null ? List.of() : List.of(input);
        Map<String, long[]> shapes;
        try {
            shapes = ShapeInference.infer(inputs, nodes, inits);
        } catch (ShapeInferenceException e) {
            throw new InvalidModelException(e.getMessage(), e);
        }
        return new Graph(gp.getName(), inputs, outputs, nodes, inits, shapes, s.opset);
    }

    private void readInitializers() {
        for (TensorProto t : gp.getInitializerList()) {
            s.reserve(t.getName());
            if (OnnxTensors.isExternal(t)) {
                s.problems.add("initializer '" + t.getName() + "' stores its data externally ("
                        + externalLocation(t) + "); qforge reads only self-contained models"
                        + " (save with all tensors inside the .onnx file)");
                s.poisoned.add(t.getName());
            } else if (OnnxTensors.elementType(t.getDataType()) == null) {
                s.problems.add("initializer '" + t.getName() + "' has unsupported element type "
                        + OnnxImporter.typeName(t.getDataType()));
                s.poisoned.add(t.getName());
            } else {
                INDArray value = OnnxTensors.toArray(t, "initializer '" + t.getName() + "'");
                String bad = firstNonFinite(value);
                if (bad != null) {
                    s.problems.add("initializer '" + t.getName() + "' contains " + bad + "; weights must be finite");
                    s.poisoned.add(t.getName());
                } else {
                    s.addInitializer(t.getName(), value);
                }
            }
        }
        if (gp.getSparseInitializerCount() > 0) {
            s.problems.add("graph has " + gp.getSparseInitializerCount() + " sparse initializers, which are not supported");
        }
    }

    /** "NaN at flat index i" (or +Inf / -Inf) for the first non-finite element of a float tensor, else null. */
    static String firstNonFinite(INDArray a) {
        if (a.length() == 0 || a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            return null;
        }
        INDArray c = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
        ByteBuffer bytes = c.data().asNio().order(ByteOrder.nativeOrder());
        long n = c.length();
        for (int i = 0; i < n; i++) {
            double v = c.dataType() == DataType.FLOAT ? bytes.getFloat(i * 4) : bytes.getDouble(i * 8);
            if (!Double.isFinite(v)) {
                return (Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf") + " at flat index " + i;
            }
        }
        return null;
    }

    private static String externalLocation(TensorProto t) {
        for (var e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                return "location '" + e.getValue() + "'";
            }
        }
        return "data_location EXTERNAL";
    }

    private ValueInfo readInput() {
        List<ValueInfoProto> real = new ArrayList<>();
        for (ValueInfoProto v : gp.getInputList()) {
            s.reserve(v.getName());
            if (!s.initializers.containsKey(v.getName()) && !s.poisoned.contains(v.getName())) {
                real.add(v);
            }
        }
        if (real.size() != 1) {
            s.problems.add("model has " + real.size() + " graph inputs " + real.stream().map(ValueInfoProto::getName).toList()
                    + "; exactly one input is supported");
            real.forEach(v -> s.poisoned.add(v.getName()));
            return null;
        }
        ValueInfoProto v = real.get(0);
        String name = v.getName();
        if (!v.getType().hasTensorType()) {
            s.problems.add("graph input '" + name + "' is not a tensor");
            s.poisoned.add(name);
            return null;
        }
        var tt = v.getType().getTensorType();
        if (tt.getElemType() != ElementType.FLOAT.onnxCode()) {
            s.problems.add("graph input '" + name + "' has element type " + OnnxImporter.typeName(tt.getElemType())
                    + "; only FLOAT inputs are supported");
            s.poisoned.add(name);
            return null;
        }
        if (!tt.hasShape() || tt.getShape().getDimCount() < 1) {
            s.problems.add("graph input '" + name + "' has no static shape; qforge needs [batch, ...] with static"
                    + " dimensions after the batch");
            s.poisoned.add(name);
            return null;
        }
        List<TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
        long[] shape = new long[dims.size()];
        shape[0] = -1;
        s.declaredBatch = dims.get(0).hasDimValue() && dims.get(0).getDimValue() > 0 ? dims.get(0).getDimValue() : -1;
        for (int i = 1; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (!d.hasDimValue() || d.getDimValue() <= 0) {
                s.problems.add("graph input '" + name + "' dimension " + i + " is "
                        + (d.hasDimParam() ? "symbolic ('" + d.getDimParam() + "')" : "unknown")
                        + "; only the batch dimension (0) may be dynamic");
                s.poisoned.add(name);
                return null;
            }
            shape[i] = d.getDimValue();
        }
        s.shapes.put(name, shape);
        return new ValueInfo(name, ElementType.FLOAT, shape);
    }

    /** Kahn's algorithm over tensor names (ONNX files are usually sorted already). */
    private List<Integer> topologicalOrder() {
        Map<String, Integer> producer = new HashMap<>();
        List<NodeProto> nodes = gp.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).getOutputList()) {
                if (o.isEmpty()) {
                    continue;
                }
                s.reserve(o);
                if (producer.put(o, i) != null) {
                    throw new InvalidModelException("tensor '" + o + "' is produced by more than one node");
                }
            }
        }
        Set<String> available = new HashSet<>(s.initializers.keySet());
        available.addAll(s.poisoned);
        gp.getInputList().forEach(v -> available.add(v.getName()));
        int[] missing = new int[nodes.size()];
        Map<String, List<Integer>> waiting = new HashMap<>();
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto np = nodes.get(i);
            for (String in : new HashSet<>(np.getInputList())) {
                if (in.isEmpty() || available.contains(in)) {
                    continue;
                }
                if (!producer.containsKey(in)) {
                    throw new InvalidModelException("node '" + nodeName(np, i) + "' (" + np.getOpType() + ") input '" + in
                            + "' is not a graph input, an initializer or the output of any node");
                }
                missing[i]++;
                waiting.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            if (missing[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (String o : nodes.get(i).getOutputList()) {
                for (int j : waiting.getOrDefault(o, List.of())) {
                    if (--missing[j] == 0) {
                        ready.add(j);
                    }
                }
            }
        }
        if (order.size() != nodes.size()) {
            throw new InvalidModelException("graph has a cycle: " + (nodes.size() - order.size()) + " nodes never become ready");
        }
        return order; // indices into the file's node list: unnamed nodes are named by file position
    }

    /** The node's name, or {@code <OpType>_<file index>} if it has none; made unique by a suffix. */
    private String nodeName(NodeProto np, int index) {
        String base = np.getName().isEmpty() ? np.getOpType() + "_" + index : np.getName();
        String name = base;
        for (int k = 1; nodeNames.containsKey(name) && nodeNames.get(name) != index; k++) {
            name = base + "_" + k;
        }
        nodeNames.put(name, index);
        return name;
    }

    private void visit(NodeProto np, int index) {
        String name = nodeName(np, index);
        String op = np.getOpType();
        String domain = np.getDomain();
        List<String> inputs = np.getInputList().stream().map(s::resolve).toList();
        boolean poisoned = inputs.stream().anyMatch(s.poisoned::contains);
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            s.problems.add("node '" + name + "' has unsupported op type " + domain + "::" + op);
            poison(np);
            return;
        }
        boolean runtime = SupportedOps.RUNTIME.contains(op) || SupportedOps.REWRITTEN.contains(op);
        boolean foldable = ConstantFolder.FOLDABLE.contains(op);
        if (!runtime && !foldable) {
            s.problems.add("node '" + name + "' has unsupported op type " + op);
            poison(np);
            return;
        }
        Map<String, Object> attrs = attributes(np, name);
        if (attrs == null || poisoned) {
            poison(np);
            return;
        }
        applyPadFold(np, attrs);
        Node n = new Node(name, op, inputs, np.getOutputList(), attrs);
        if (foldable && canFold(n)) {
            fold(n);
            return;
        }
        if (!runtime) {
            s.problems.add("node '" + name + "' (" + op + ") has inputs that are neither constant nor derived from"
                    + " static shapes; qforge only folds " + op + " at import time");
            poison(np);
            return;
        }
        if (op.equals("Identity") || op.equals("Dropout")) {
            passThrough(n, np);
            return;
        }
        if (op.equals("ReduceMean") && spatialMean(n, np) || op.equals("Pad") && foldPad(n, np)) {
            return;
        }
        if (op.equals("Softmax") && s.opset < 13 && s.shapes.get(n.input(0)) != null) {
            long[] x = s.shapes.get(n.input(0));
            long axis = n.attrInt("axis", 1);
            if ((axis < 0 ? axis + x.length : axis) != x.length - 1) {
                coercedSoftmax(n, np);
                return;
            }
        }
        Node normalized;
        try {
            normalized = OpNormalizer.normalize(n, s);
        } catch (ShapeInferenceException e) {
            throw new InvalidModelException(e.getMessage(), e);
        }
        if (normalized == null) {
            poison(np);
            return;
        }
        infer(normalized, np);
    }

    /**
     * ReduceMean over axes {2, 3} of an (N, C, H, W) tensor (what PyTorch exports for
     * {@code x.mean([2, 3])}) as GlobalAveragePool, followed by Flatten when {@code keepdims=0}.
     * Returns false (nothing done) for any other reduction, which runs as ReduceMean.
     */
    private boolean spatialMean(Node n, NodeProto np) {
        long[] x = s.shapes.get(n.input(0));
        long[] axes = n.attrInts("axes", null);
        boolean spatial = x != null && x.length == 4 && n.inputs().size() == 1 && axes != null && axes.length == 2
                && java.util.Arrays.equals(java.util.Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray(),
                        new long[] {2, 3});
        if (!spatial) {
            return false;
        }
        String out = n.output(0);
        if (n.attrInt("keepdims", 1) != 0) {
            infer(new Node(n.name(), "GlobalAveragePool", List.of(n.input(0)), List.of(out), Map.of()), np);
            return true;
        }
        String pooled = out + "/qforge_global_average_pool";
        infer(new Node(n.name(), "GlobalAveragePool", List.of(n.input(0)), List.of(pooled), Map.of()), np);
        infer(new Node(n.name() + "/qforge_flatten", "Flatten", List.of(pooled), List.of(out), Map.of("axis", 1L)), np);
        return true;
    }

    /**
     * A Pad whose pads are all zero (PyTorch exports one before every AvgPool2d, e.g. densenet's
     * transitions) is the identity and is dropped. A constant-zero Pad of the spatial axes of an
     * NCHW tensor whose only consumer is a Conv, or an AveragePool without ceil_mode whose own pads
     * are zero or counted (count_include_pad=1), is folded into that consumer's pads (the
     * AveragePool then counts the pads), which is exact. Returns false when the Pad must run as an op.
     */
    private boolean foldPad(Node n, NodeProto np) {
        long[] pads = n.hasInput(1) ? constantLongs(n.input(1)) : n.attrInts("pads", null);
        if (pads == null || java.util.Arrays.stream(pads).anyMatch(p -> p < 0)) {
            return false;
        }
        if (java.util.Arrays.stream(pads).allMatch(p -> p == 0)) {
            passThrough(new Node(n.name(), "Pad", List.of(n.input(0)), n.outputs(), Map.of()), np);
            return true;
        }
        FoldedTensor value = n.hasInput(2) ? s.constant(n.input(2)) : null;
        boolean zeroValue = !n.hasInput(2) || value != null && value.size() == 1 && value.real(0) == 0.0;
        long[] x = s.shapes.get(n.input(0));
        String out = n.output(0);
        if (!n.attrString("mode", "constant").equals("constant") || !zeroValue || x == null || x.length != 4
                || pads.length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0
                || s.consumers.getOrDefault(out, 0) != 1 || s.graphOutputs.contains(out)) {
            return false;
        }
        NodeProto consumer = gp.getNodeList().stream().filter(c -> c.getInputList().contains(out)).findFirst().orElse(null);
        if (consumer == null || !consumer.getInput(0).equals(out) || !consumer.getDomain().isEmpty()
                && !consumer.getDomain().equals("ai.onnx")) {
            return false;
        }
        int problems = s.problems.size();
        Map<String, Object> attrs = attributes(consumer, consumer.getName());
        if (attrs == null) {
            s.problems.subList(problems, s.problems.size()).clear(); // reported when the consumer is visited
            return false;
        }
        Node c = new Node(consumer.getName(), consumer.getOpType(), consumer.getInputList(), consumer.getOutputList(), attrs);
        long[] own = c.attrInts("pads", new long[4]);
        boolean explicit = c.attrString("auto_pad", "NOTSET").equals("NOTSET") && own.length == 4;
        boolean ok = switch (c.opType()) {
            case "Conv" -> explicit;
            case "AveragePool" -> {
                long[] k = c.attrInts("kernel_shape", null);
                boolean counted = c.attrInt("count_include_pad", 0) == 1 || java.util.Arrays.stream(own).allMatch(p -> p == 0);
                boolean small = k != null && k.length == 2 && pads[2] + own[0] < k[0] && pads[3] + own[1] < k[1]
                        && pads[6] + own[2] < k[0] && pads[7] + own[3] < k[1];
                yield explicit && counted && small && c.attrInt("ceil_mode", 0) == 0;
            }
            default -> false;
        };
        if (!ok) {
            return false;
        }
        s.padFolds.put(out, new long[] {pads[2], pads[3], pads[6], pads[7]});
        s.renames.put(out, n.input(0));
        return true;
    }

    /** The attributes of a node that reads a folded Pad's output: its pads grown by the Pad's. */
    private void applyPadFold(NodeProto np, Map<String, Object> attrs) {
        long[] extra = np.getInputCount() == 0 ? null : s.padFolds.get(np.getInput(0));
        if (extra == null) {
            return;
        }
        long[] own = attrs.containsKey("pads") ? ((long[]) attrs.get("pads")).clone() : new long[4];
        for (int i = 0; i < 4; i++) {
            own[i] += extra[i];
        }
        attrs.put("pads", own);
        attrs.remove("auto_pad");
        if (np.getOpType().equals("AveragePool")) {
            attrs.put("count_include_pad", 1L);
        }
    }

    /**
     * Opset 11-12 Softmax normalizes over the input flattened to 2-D at {@code axis}, i.e. jointly
     * over the dimensions {@code axis..r-1}: Reshape to {@code [N, d1..d(axis-1), -1]} -> Softmax
     * over the last axis -> Reshape back. Axis 0 would mix the samples of a batch and is refused.
     */
    private void coercedSoftmax(Node n, NodeProto np) {
        long[] x = s.shapes.get(n.input(0));
        long axis = n.attrInt("axis", 1);
        long a = axis < 0 ? axis + x.length : axis;
        if (a <= 0 || a >= x.length) {
            s.problems.add("node '" + n.name() + "' (Softmax): opset " + s.opset + " axis " + axis + " on a rank-"
                    + x.length + " input would normalize across the batch; only axes 1.." + (x.length - 1) + " are supported");
            poison(np);
            return;
        }
        long[] flatShape = new long[(int) a + 1];
        System.arraycopy(x, 0, flatShape, 0, (int) a);
        flatShape[(int) a] = -1;
        long[] backShape = x.clone();
        if (x[0] < 0) {
            flatShape[0] = 0;
            backShape[0] = 0;
        }
        String flat = s.freshName(n.output(0) + "/qforge_coerced");
        String soft = s.freshName(n.output(0) + "/qforge_softmax");
        String flatName = s.freshName(n.name() + "_coerced_shape");
        String backName = s.freshName(n.name() + "_shape");
        s.addInitializer(flatName, org.nd4j.linalg.factory.Nd4j.createFromArray(flatShape));
        s.addInitializer(backName, org.nd4j.linalg.factory.Nd4j.createFromArray(backShape));
        infer(new Node(n.name() + "/qforge_coerce", "Reshape", List.of(n.input(0), flatName), List.of(flat), Map.of()), np);
        infer(new Node(n.name(), "Softmax", List.of(flat), List.of(soft), Map.of("axis", a)), np);
        infer(new Node(n.name() + "/qforge_reshape", "Reshape", List.of(soft, backName), List.of(n.output(0)), Map.of()), np);
    }

    private long[] constantLongs(String name) {
        FoldedTensor t = s.constant(name);
        if (t == null) return null;
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) out[i] = t.integer(i);
        return out;
    }

    private boolean canFold(Node n) {
        if (n.opType().equals("Constant")) {
            return true;
        }
        if (n.opType().equals("Shape")) {
            return s.shapes.containsKey(n.input(0));
        }
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !s.isConstant(in)) {
                return false;
            }
        }
        return !n.inputs().isEmpty();
    }

    private void fold(Node n) {
        List<FoldedTensor> values = new ArrayList<>();
        if (!n.opType().equals("Shape")) {
            for (String in : n.inputs()) {
                values.add(in.isEmpty() ? null : s.constant(in));
            }
        }
        try {
            FoldedTensor v = ConstantFolder.fold(n, values, s.shapes.get(n.input(0)), s.opset);
            if (n.opType().equals("Dropout") && n.outputs().size() > 1 && !n.output(1).isEmpty()
                    && s.consumers.getOrDefault(n.output(1), 0) > 0) {
                throw new ConstantFolder.FoldException("Dropout '" + n.name() + "': mask output is used");
            }
            s.folded.put(n.output(0), v);
            s.shapes.put(n.output(0), v.shape());
        } catch (ConstantFolder.FoldException | ShapeInferenceException | ArithmeticException e) {
            s.problems.add(e.getMessage());
            s.poisoned.addAll(n.outputs());
        }
    }

    /** Identity and Dropout (inference): renamed away, or kept as Identity for a graph output. */
    private void passThrough(Node n, NodeProto np) {
        for (int i = 1; i < n.outputs().size(); i++) {
            String o = n.output(i);
            if (!o.isEmpty() && (s.consumers.getOrDefault(o, 0) > 0 || s.graphOutputs.contains(o))) {
                s.problems.add("node '" + n.name() + "' (" + n.opType() + "): output " + i + " (mask) '" + o
                        + "' is used; only inference Dropout is supported");
                poison(np);
                return;
            }
        }
        if (n.opType().equals("Dropout") && n.hasInput(2)) {
            FoldedTensor training = s.constant(n.input(2));
            if (training == null || training.integer(0) != 0) {
                s.problems.add("node '" + n.name() + "' (Dropout): training_mode input '" + n.input(2)
                        + "' is not the constant false; only inference Dropout is supported");
                poison(np);
                return;
            }
        }
        String out = n.output(0);
        if (s.graphOutputs.contains(out)) {
            infer(new Node(n.name(), "Identity", List.of(n.input(0)), List.of(out), Map.of()), np);
        } else {
            s.renames.put(out, n.input(0));
        }
    }

    private void infer(Node n, NodeProto np) {
        List<long[]> ins = new ArrayList<>();
        for (String in : n.inputs()) {
            ins.add(in.isEmpty() ? null : s.shapes.get(in));
        }
        try {
            List<long[]> outs = ShapeInference.inferNode(n, ins,
                    name -> s.initializers.containsKey(name) ? s.initializers.get(name) : null);
            for (int i = 0; i < outs.size(); i++) {
                s.shapes.put(n.output(i), outs.get(i));
            }
            kept.add(n);
        } catch (ShapeInferenceException e) {
            if (e.batchRelated()) {
                s.problems.add(e.getMessage());
                poison(np);
            } else {
                throw new InvalidModelException(e.getMessage(), e);
            }
        }
    }

    private void poison(NodeProto np) {
        for (String o : np.getOutputList()) {
            if (!o.isEmpty()) {
                s.poisoned.add(o);
            }
        }
    }

    private Map<String, Object> attributes(NodeProto np, String name) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        boolean ok = true;
        for (AttributeProto a : np.getAttributeList()) {
            if (!a.getRefAttrName().isEmpty()) {
                s.problems.add("node '" + name + "' attribute '" + a.getName() + "' refers to a function attribute");
                ok = false;
                continue;
            }
            try {
                Object v = OnnxAttributes.toValue(a, name);
                if (v == null) {
                    s.problems.add("node '" + name + "' attribute '" + a.getName() + "' has unsupported type " + a.getType());
                    ok = false;
                } else {
                    attrs.put(a.getName(), v);
                }
            } catch (UnsupportedModelException e) {
                s.problems.addAll(e.problems());
                ok = false;
            }
        }
        return ok ? attrs : null;
    }

    private List<ValueInfo> readOutputs() {
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfoProto v : gp.getOutputList()) {
            String name = v.getName();
            if (s.poisoned.contains(name)) {
                continue;
            }
            if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != ElementType.FLOAT.onnxCode()) {
                s.problems.add("graph output '" + name + "' has element type "
                        + OnnxImporter.typeName(v.getType().getTensorType().getElemType()) + "; only FLOAT outputs are supported");
                continue;
            }
            boolean produced = kept.stream().anyMatch(n -> n.outputs().contains(name));
            if (!produced) {
                if (s.isConstant(name)) {
                    s.problems.add("graph output '" + name + "' is a constant; a model output must depend on the input");
                } else if (s.shapes.containsKey(name)) {
                    s.problems.add("graph output '" + name + "' is the graph input itself");
                } else {
                    throw new InvalidModelException("graph output '" + name + "' is not produced by any node");
                }
                continue;
            }
            outs.add(new ValueInfo(name, ElementType.FLOAT, s.shapes.get(name)));
        }
        return outs;
    }

    private List<Node> applyRenames() {
        List<Node> out = new ArrayList<>();
        for (Node n : kept) {
            List<String> ins = n.inputs().stream().map(s::resolve).toList();
            out.add(new Node(n.name(), n.opType(), ins, n.outputs(), n.attributes()));
        }
        return out;
    }

    /** Initializers the kept nodes read; folded values they read become initializers. */
    private Map<String, INDArray> usedInitializers(List<Node> nodes) {
        Map<String, INDArray> inits = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (in.isEmpty() || inits.containsKey(in)) {
                    continue;
                }
                FoldedTensor f = s.folded.get(in);
                if (s.initializers.containsKey(in) && (f == null || !f.hasBatch())) {
                    inits.put(in, s.initializers.get(in));
                } else if (f != null) {
                    if (f.hasBatch()) {
                        s.problems.add("node '" + n.name() + "' (" + n.opType() + ") reads '" + in
                                + "', a value computed from the dynamic batch size; only Reshape shapes may use it");
                    } else {
                        inits.put(in, f.toArray());
                    }
                }
            }
        }
        return inits;
    }
}
