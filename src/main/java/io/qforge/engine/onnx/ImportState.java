package io.qforge.engine.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the importer knows while it walks the nodes: values, shapes, renames and problems. */
final class ImportState {
    final long opset;
    /** Static batch size declared by the file's graph input, or -1 if the batch was symbolic. */
    long declaredBatch = -1;
    final Map<String, INDArray> initializers = new LinkedHashMap<>();
    /** Values computed by folding (and initializers converted for folding). */
    final Map<String, FoldedTensor> folded = new HashMap<>();
    final Map<String, long[]> shapes = new HashMap<>();
    /** Output of a removed Identity/Dropout -> the tensor it passed through. */
    final Map<String, String> renames = new HashMap<>();
    /** Output of a constant-zero Pad folded into its consumer -> the spatial pads {top, left, bottom, right} it adds. */
    final Map<String, long[]> padFolds = new HashMap<>();
    /** Tensors whose value is unknown because the node producing them was refused. */
    final Set<String> poisoned = new HashSet<>();
    final Set<String> graphOutputs = new HashSet<>();
    /** Number of nodes consuming each tensor (by original names). */
    final Map<String, Integer> consumers = new HashMap<>();
    final List<String> problems = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();

    ImportState(long opset) {
        this.opset = opset;
    }

    String resolve(String name) {
        String r = name;
        while (renames.containsKey(r)) {
            r = renames.get(r);
        }
        return r;
    }

    boolean isConstant(String name) {
        return !name.isEmpty() && (initializers.containsKey(name) || folded.containsKey(name));
    }

    /** The constant value of a tensor for folding, or null if it is not constant. */
    FoldedTensor constant(String name) {
        FoldedTensor f = folded.get(name);
        if (f == null && initializers.containsKey(name)) {
            f = FoldedTensor.of(initializers.get(name));
            folded.put(name, f);
        }
        return f;
    }

    void reserve(String name) {
        usedNames.add(name);
    }

    /** A tensor name not used anywhere in the model, starting with {@code base}. */
    String freshName(String base) {
        String n = base;
        for (int i = 1; usedNames.contains(n); i++) {
            n = base + "_" + i;
        }
        usedNames.add(n);
        return n;
    }

    void addInitializer(String name, INDArray value) {
        initializers.put(name, value);
        shapes.put(name, value.shape());
        folded.remove(name);
    }
}
