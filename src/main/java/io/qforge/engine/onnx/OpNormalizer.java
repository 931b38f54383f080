package io.qforge.engine.onnx;

import io.qforge.engine.graph.ConvGeometry;
import io.qforge.engine.graph.Node;
import io.qforge.engine.graph.ShapeRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Brings every kept node to one form, whatever opset the file used, so the ops see explicit
 * attributes in their opset-13 meaning:
 * <ul>
 * <li>Conv / MaxPool / AveragePool: explicit kernel_shape, strides, dilations, pads (auto_pad
 *     SAME_UPPER/SAME_LOWER/VALID turned into pads from the static input shape); ceil_mode kept
 *     as 1 only where it changes the output size (else stored as 0); AveragePool
 *     count_include_pad explicit. 2-D (4-D input) only.</li>
 * <li>Squeeze, Unsqueeze, ReduceSum: axes as input 1 (an opset 11-12 attribute becomes an INT64
 *     initializer); Squeeze without axes gets its static size-1 axes. Split: sizes as input 1.
 *     Slice, Gather, Pad: every input after the first must be constant and becomes an
 *     initializer; Pad modes constant, reflect, edge with non-negative pads.</li>
 * <li>Gemm: explicit alpha, beta, transA, transB. Flatten, Concat, Softmax: explicit
 *     non-negative axis. Softmax from opset &lt; 13 (2-D coercion at {@code axis}) is accepted
 *     when {@code axis} is the last axis, where both definitions agree.</li>
 * <li>Clip: min/max attributes (opset &lt; 11) become scalar initializer inputs; min/max inputs
 *     must be constant.</li>
 * <li>BatchNormalization: inference form only (one output, training_mode 0), explicit epsilon
 *     and momentum, parameters constant.</li>
 * <li>Reshape: constant shape; entries that are the dynamic batch size are rewritten (see
 *     {@link #reshape}); allowzero=1 refused when the shape holds a 0.</li>
 * </ul>
 * Returns null after adding a problem when the node cannot be supported.
 */
final class OpNormalizer {

    private OpNormalizer() {
    }

    static Node normalize(Node n, ImportState s) {
        Map<String, Object> a = new HashMap<>(n.attributes());
        List<String> inputs = new ArrayList<>(n.inputs());
        List<String> outputs = new ArrayList<>(n.outputs());
        String where = "node '" + n.name() + "' (" + n.opType() + ")";
        long[] x = n.inputs().isEmpty() ? null : s.shapes.get(n.input(0));
        switch (n.opType()) {
            case "Conv", "MaxPool", "AveragePool" -> {
                if (!window(n, s, a, x, where)) {
                    return null;
                }
                if (n.opType().equals("MaxPool")) {
                    if (!onlyFirstOutputUsed(n, s, where, "Indices")) {
                        return null;
                    }
                    a.remove("storage_order");
                    outputs = outputs.subList(0, 1);
                }
                if (n.opType().equals("AveragePool")) {
                    a.put("count_include_pad", n.attrInt("count_include_pad", 0));
                }
            }
            case "GlobalAveragePool" -> {
                if (x.length != 4) {
                    s.problems.add(where + ": only 4-D (N,C,H,W) input is supported, got rank " + x.length);
                    return null;
                }
            }
            case "Gemm" -> {
                a.put("alpha", n.attrFloat("alpha", 1.0));
                a.put("beta", n.attrFloat("beta", 1.0));
                a.put("transA", n.attrInt("transA", 0));
                a.put("transB", n.attrInt("transB", 0));
            }
            case "Flatten" -> {
                long axis = n.attrInt("axis", 1);
                a.put("axis", axis < 0 ? axis + x.length : axis);
                if ((axis < 0 ? axis + x.length : axis) == 0 && x.length > 0 && x[0] < 0) {
                    s.problems.add(where + ": axis 0 flattens the batch dimension into the features");
                    return null;
                }
            }
            case "Concat" -> {
                long axis = n.attrInt("axis", 0);
                a.put("axis", axis < 0 ? axis + x.length : axis);
            }
            case "Softmax" -> {
                long dflt = s.opset >= 13 ? -1 : 1;
                long axis = n.attrInt("axis", dflt);
                long norm = axis < 0 ? axis + x.length : axis;
                if (s.opset < 13 && norm != x.length - 1) {
                    s.problems.add(where + ": opset " + s.opset + " Softmax with axis " + axis + " on a rank-" + x.length
                            + " input normalizes over the flattened dimensions " + norm + ".." + (x.length - 1)
                            + "; only the last axis is supported");
                    return null;
                }
                a.put("axis", norm);
            }
            case "Clip" -> {
                if (!clip(n, s, a, inputs, where)) {
                    return null;
                }
            }
            case "BatchNormalization" -> {
                if (!batchNorm(n, s, a, where)) {
                    return null;
                }
                outputs = outputs.subList(0, 1);
            }
            case "Reshape" -> {
                if (!reshape(n, s, a, inputs, where, x)) {
                    return null;
                }
            }
            case "Squeeze", "Unsqueeze", "ReduceSum" -> {
                if (!axesInput(n, s, a, inputs, where, x)) {
                    return null;
                }
                if (n.opType().equals("ReduceSum")) {
                    a.put("keepdims", n.attrInt("keepdims", 1));
                }
            }
            case "ReduceMean" -> a.put("keepdims", n.attrInt("keepdims", 1));
            case "Split" -> {
                if (!splitInput(n, s, a, inputs, where)) {
                    return null;
                }
                a.put("axis", n.attrInt("axis", 0));
            }
            case "Slice", "Gather", "Pad" -> {
                if (!constantInputs(n, s, inputs, where)) {
                    return null;
                }
                if (n.opType().equals("Pad") && !pad(n, s, a, where)) {
                    return null;
                }
            }
            default -> {
                // MatMul, Add, Sub, Mul, Div, Neg, Relu, Sigmoid, HardSigmoid, HardSwish, Transpose, Identity:
                // nothing to normalize
            }
        }
        return new Node(n.name(), n.opType(), inputs, outputs, a);
    }

    private static boolean window(Node n, ImportState s, Map<String, Object> a, long[] x, String where) {
        if (x.length != 4) {
            s.problems.add(where + ": only 2-D windows (4-D N,C,H,W input) are supported, got input rank " + x.length);
            return false;
        }
        long[] spatial = Arrays.copyOfRange(x, 2, 4);
        long[] kernel;
        if (n.opType().equals("Conv")) {
            long[] w = s.shapes.get(n.input(1));
            kernel = n.attrInts("kernel_shape", Arrays.copyOfRange(w, 2, w.length));
            a.put("group", n.attrInt("group", 1));
        } else {
            kernel = n.attrInts("kernel_shape", null);
            if (kernel == null || kernel.length != 2) {
                s.problems.add(where + ": kernel_shape " + Arrays.toString(kernel) + " must have 2 entries");
                return false;
            }
        }
        long[] strides = n.attrInts("strides", new long[] {1, 1});
        long[] dil = n.attrInts("dilations", new long[] {1, 1});
        String autoPad = n.attrString("auto_pad", "NOTSET");
        if (!List.of("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(autoPad)) {
            s.problems.add(where + ": auto_pad '" + autoPad + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
            return false;
        }
        long[] pads = ShapeRules.pads(n, where, spatial, kernel, strides, dil);
        a.remove("auto_pad");
        a.put("kernel_shape", kernel);
        a.put("strides", strides);
        if (n.opType().equals("AveragePool")) {
            if (Arrays.stream(dil).anyMatch(d -> d != 1)) {
                s.problems.add(where + ": dilations " + Arrays.toString(dil) + " are not supported");
                return false;
            }
            a.remove("dilations"); // not an AveragePool attribute before opset 19
        } else {
            a.put("dilations", dil);
        }
        a.put("pads", pads);
        if (!n.opType().equals("Conv")) {
            long ceilMode = n.attrInt("ceil_mode", 0);
            if (ceilMode != 0 && ceilMode != 1) {
                s.problems.add(where + ": ceil_mode " + ceilMode + " must be 0 or 1");
                return false;
            }
            boolean changes = false;
            for (int i = 0; i < 2 && ceilMode == 1; i++) {
                long floor = ConvGeometry.outputSize(spatial[i], kernel[i], strides[i], pads[i], pads[i + 2], dil[i], false);
                long ceil = ConvGeometry.outputSize(spatial[i], kernel[i], strides[i], pads[i], pads[i + 2], dil[i], true);
                changes |= floor != ceil;
            }
            a.put("ceil_mode", changes ? 1L : 0L); // 0 where ceil_mode gives the same windows
        }
        return true;
    }

    /**
     * Squeeze, Unsqueeze and ReduceSum take their axes as input 1 from opset 13: an opset 11-12
     * {@code axes} attribute becomes that input (an INT64 initializer), a constant input becomes
     * an initializer. Squeeze without axes gets the explicit list of its static size-1 dimensions,
     * so that a batch of one is never squeezed.
     */
    private static boolean axesInput(Node n, ImportState s, Map<String, Object> a, List<String> inputs, String where,
                                     long[] x) {
        long[] axes = null;
        if (a.containsKey("axes")) {
            axes = (long[]) a.remove("axes");
        } else if (n.hasInput(1)) {
            FoldedTensor c = s.constant(n.input(1));
            if (c == null || c.isReal() || c.hasBatch()) {
                s.problems.add(where + ": axes input '" + n.input(1) + "' must be a constant integer tensor");
                return false;
            }
            axes = c.ints().clone();
        }
        if (axes == null && n.opType().equals("Squeeze")) {
            axes = java.util.stream.IntStream.range(0, x.length).filter(i -> x[i] == 1).asLongStream().toArray();
        }
        while (inputs.size() > 1) {
            inputs.remove(inputs.size() - 1);
        }
        if (axes != null) {
            String name = s.freshName(n.name() + "_axes");
            s.addInitializer(name, Nd4j.createFromArray(axes));
            inputs.add(name);
        }
        return true;
    }

    /** Split's sizes as input 1 (opset 13 form): from the opset 11-12 attribute or a constant input. */
    private static boolean splitInput(Node n, ImportState s, Map<String, Object> a, List<String> inputs, String where) {
        a.remove("num_outputs");
        if (a.containsKey("split")) {
            long[] split = (long[]) a.remove("split");
            String name = s.freshName(n.name() + "_split");
            s.addInitializer(name, Nd4j.createFromArray(split));
            while (inputs.size() > 1) {
                inputs.remove(inputs.size() - 1);
            }
            inputs.add(name);
            return true;
        }
        return constantInputs(n, s, inputs, where);
    }

    /** Every input but the first must be a constant; each becomes an initializer. */
    private static boolean constantInputs(Node n, ImportState s, List<String> inputs, String where) {
        boolean ok = true;
        for (int i = 1; i < inputs.size(); i++) {
            String in = inputs.get(i);
            if (in.isEmpty() || s.initializers.containsKey(in)) {
                continue;
            }
            FoldedTensor c = s.constant(in);
            if (c == null || c.hasBatch()) {
                s.problems.add(where + ": input " + i + " '" + in + "' must be a constant"
                        + (c == null ? "" : " (it is computed from the dynamic batch size)"));
                ok = false;
            } else {
                s.addInitializer(in, c.toArray());
            }
        }
        return ok;
    }

    /** Pad: mode constant, reflect or edge; non-negative pads; a scalar constant value. */
    private static boolean pad(Node n, ImportState s, Map<String, Object> a, String where) {
        String mode = n.attrString("mode", "constant");
        if (!List.of("constant", "reflect", "edge").contains(mode)) {
            s.problems.add(where + ": mode '" + mode + "' is not supported (constant, reflect, edge)");
            return false;
        }
        a.put("mode", mode);
        if (n.hasInput(3)) {
            s.problems.add(where + ": the axes input (opset 18) is not supported");
            return false;
        }
        long[] pads = s.initializers.containsKey(n.input(1)) ? s.initializers.get(n.input(1)).toLongVector() : null;
        if (pads == null || Arrays.stream(pads).anyMatch(p -> p < 0)) {
            s.problems.add(where + ": pads " + Arrays.toString(pads) + " must be constant and non-negative"
                    + " (cropping is not supported)");
            return false;
        }
        if (n.hasInput(2) && s.initializers.get(n.input(2)).length() != 1) {
            s.problems.add(where + ": constant_value '" + n.input(2) + "' must be a scalar");
            return false;
        }
        return true;
    }

    private static boolean onlyFirstOutputUsed(Node n, ImportState s, String where, String what) {
        for (int i = 1; i < n.outputs().size(); i++) {
            String o = n.output(i);
            if (!o.isEmpty() && (s.consumers.getOrDefault(o, 0) > 0 || s.graphOutputs.contains(o))) {
                s.problems.add(where + ": output " + i + " (" + what + ") '" + o + "' is used; only the first output is supported");
                return false;
            }
        }
        return true;
    }

    private static boolean clip(Node n, ImportState s, Map<String, Object> a, List<String> inputs, String where) {
        boolean ok = true;
        for (int i = 1; i <= 2; i++) {
            String bound = i == 1 ? "min" : "max";
            if (a.containsKey(bound)) { // opset < 11 form
                String name = s.freshName(n.name() + "_" + bound);
                s.addInitializer(name, Nd4j.scalar(((Number) a.remove(bound)).floatValue()));
                while (inputs.size() <= i) {
                    inputs.add("");
                }
                inputs.set(i, name);
            } else if (n.hasInput(i)) {
                FoldedTensor c = s.constant(n.input(i));
                if (c == null || c.size() != 1) {
                    s.problems.add(where + ": " + bound + " input '" + n.input(i) + "' must be a constant scalar");
                    ok = false;
                } else if (!s.initializers.containsKey(n.input(i))) {
                    s.addInitializer(n.input(i), Nd4j.scalar((float) c.real(0)));
                }
            }
        }
        return ok;
    }

    private static boolean batchNorm(Node n, ImportState s, Map<String, Object> a, String where) {
        boolean ok = true;
        if (n.attrInt("training_mode", 0) != 0) {
            s.problems.add(where + ": training_mode=1 is not supported (export the model in eval mode)");
            ok = false;
        }
        long extra = n.outputs().stream().skip(1).filter(o -> !o.isEmpty()).count();
        if (extra > 0) {
            s.problems.add(where + ": has " + (1 + extra) + " outputs (training form); only the inference form with one output is supported");
            ok = false;
        }
        for (int i = 1; i <= 4; i++) {
            if (!s.initializers.containsKey(n.input(i))) {
                FoldedTensor c = s.constant(n.input(i));
                if (c == null) {
                    s.problems.add(where + ": input " + i + " '" + n.input(i) + "' must be a constant (initializer)");
                    ok = false;
                } else {
                    s.addInitializer(n.input(i), c.toArray());
                }
            }
        }
        a.remove("training_mode");
        a.remove("spatial");
        a.put("epsilon", n.attrFloat("epsilon", 1e-5));
        a.put("momentum", n.attrFloat("momentum", 0.9));
        return ok;
    }

    /**
     * Makes Reshape's constant shape valid for any batch size. An entry that is the dynamic batch
     * size (folded from {@code Shape}, e.g. PyTorch's {@code x.view(x.size(0), -1)}) becomes 0
     * ("copy input dimension 0") when it is entry 0 and the input's dimension 0 is the batch, or
     * -1 when the shape has no other -1. A literal entry 0 equal to the static batch size the
     * file declared (an export without dynamic axes, e.g. {@code [1, -1]}) also becomes 0. The
     * rewritten shape is stored as a new initializer when the original tensor has other users.
     */
    private static boolean reshape(Node n, ImportState s, Map<String, Object> a, List<String> inputs, String where, long[] x) {
        FoldedTensor shape = s.constant(n.input(1));
        if (shape == null || shape.isReal() || shape.shape().length != 1) {
            s.problems.add(where + ": shape input '" + n.input(1) + "' must be a constant 1-D integer tensor"
                    + " (or derived from static shapes)");
            return false;
        }
        long[] target = shape.ints().clone();
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        boolean inputBatchFirst = x.length > 0 && x[0] < 0;
        long otherMinusOnes = 0;
        for (int i = 0; i < target.length; i++) {
            if (!shape.isBatch(i) && target[i] == -1) {
                otherMinusOnes++;
            }
        }
        for (int i = 0; i < target.length; i++) {
            if (shape.isBatch(i)) {
                if (i == 0 && inputBatchFirst && !allowZero) {
                    target[i] = 0;
                } else if (otherMinusOnes == 0) {
                    target[i] = -1;
                    otherMinusOnes++;
                } else {
                    s.problems.add(where + ": shape entry " + i + " is the dynamic batch size and cannot be expressed"
                            + " as 0 or -1 (the shape already has a -1)");
                    return false;
                }
            } else if (i == 0 && s.declaredBatch > 0 && inputBatchFirst && target[0] == s.declaredBatch && !allowZero) {
                target[0] = 0;
            }
        }
        if (allowZero) {
            for (long t : target) {
                if (t == 0) {
                    s.problems.add(where + ": allowzero=1 with a 0 in the shape " + Arrays.toString(target) + " is not supported");
                    return false;
                }
            }
        }
        a.remove("allowzero");
        boolean changed = !Arrays.equals(target, shape.ints());
        String name = n.input(1);
        if (changed || !s.initializers.containsKey(name)) {
            if (changed && s.consumers.getOrDefault(name, 0) > 1) {
                name = s.freshName(n.name() + "_shape");
            }
            s.addInitializer(name, Nd4j.createFromArray(target));
            inputs.set(1, name);
        }
        return true;
    }
}
