package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The names of the tensors an export adds that other artifacts refer to: the INT8 weight and
 * int32 bias initializers of every Conv/Gemm layer ({@code <layer name>.weight},
 * {@code <layer name>.bias}, suffixed {@code _1, _2, ...} if a tensor or layer of the model already
 * uses that name). The QDQ model and the encodings JSON use the same names. Every tensor and layer
 * name of the model is reserved, so generated names never clash with original ones.
 */
final class ExportNames {

    private final Set<String> used = new HashSet<>();
    private final Map<String, String> weights = new HashMap<>();
    private final Map<String, String> biases = new HashMap<>();

    private ExportNames(IntModel m) {
        used.add(m.input());
        used.add(m.outputName());
        used.addAll(m.activations().keySet());
        for (IntLayer l : m.layers()) {
            used.add(l.name());
            used.addAll(l.outputs());
            used.addAll(l.inputs());
        }
        for (IntLayer l : m.layers()) {
            if (l instanceof IntLayer.Conv || l instanceof IntLayer.Gemm) {
                weights.put(l.name(), fresh(l.name() + ".weight"));
                biases.put(l.name(), fresh(l.name() + ".bias"));
            }
        }
    }

    static ExportNames of(IntModel m) {
        return new ExportNames(m);
    }

    /** Name of the INT8 weight initializer of a Conv or Gemm layer. */
    String weight(IntLayer layer) {
        return lookup(weights, layer, "weight");
    }

    /** Name of the int32 bias initializer of a Conv or Gemm layer. */
    String bias(IntLayer layer) {
        return lookup(biases, layer, "bias");
    }

    /** Every name in use: the model's tensors and layers and the generated parameter names. */
    Set<String> used() {
        return Collections.unmodifiableSet(used);
    }

    private String lookup(Map<String, String> names, IntLayer layer, String what) {
        String n = names.get(layer.name());
        if (n == null) {
            throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.getClass().getSimpleName()
                    + ") has no " + what + " (only Conv and Gemm layers do)");
        }
        return n;
    }

    private String fresh(String base) {
        String n = base;
        for (int i = 1; used.contains(n); i++) {
            n = base + "_" + i;
        }
        used.add(n);
        return n;
    }
}
