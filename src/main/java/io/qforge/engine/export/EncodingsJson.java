package io.qforge.engine.export;

import io.qforge.engine.convert.IntLayer;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.quant.QuantParams;
import io.qforge.engine.quant.Symmetry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AIMET-compatible encodings file of an {@link IntModel} (QDQ.md):
 *
 * <pre>{@code
 * {"version": "0.6.1",
 *  "activation_encodings": {"<tensor>": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False",
 *                                          "min": ..., "max": ..., "scale": ..., "offset": ...}]},
 *  "param_encodings": {"<weight>": [{...}, ... one per output channel]}}
 * }</pre>
 *
 * <p>Per entry, from qforge's signed encoding {@code real = s (q - z)}, {@code q in [qmin, qmax]}:
 * {@code min = s (qmin - z)}, {@code max = s (qmax - z)}, {@code scale = s} and
 * {@code offset = qmin - z = round(min / s)}, AIMET's convention {@code real = s (u + offset)} on
 * the unsigned grid {@code u = q - qmin in [0, qmax - qmin]} (so a narrow symmetric int8 weight,
 * z = 0, has offset -127; an asymmetric int8 activation with z = -128 has offset 0).
 * {@code is_symmetric} is the string "True" or "False", as AIMET writes it.
 *
 * <p>Activation keys are the source model's tensor names (the graph input first, then every
 * layer output in order; shape-only layers repeat their input's encoding); parameter keys are the
 * INT8 weight initializer names of the QDQ model ({@link ExportNames}). Int32 biases have no entry
 * (AIMET lists bias encodings only when bias quantization is on; here the bias scale is always
 * {@code s_x * s_w[c]}).
 */
public final class EncodingsJson {

    public static final String VERSION = "0.6.1";

    private EncodingsJson() {
    }

    public static String toJson(IntModel m) {
        ExportNames names = ExportNames.of(m);
        JsonText j = new JsonText().raw("{\n  ").key("version").string(VERSION).raw(",\n  ")
                .key("activation_encodings").raw("{");
        Set<String> tensors = new LinkedHashSet<>();
        tensors.add(m.input());
        m.layers().forEach(l -> tensors.addAll(l.outputs()));
        tensors.addAll(new TreeSet<>(m.activations().keySet()));
        String sep = "\n    ";
        for (String t : tensors) {
            j.raw(sep).key(t);
            entries(j, m.encoding(t));
            sep = ",\n    ";
        }
        j.raw("\n  },\n  ").key("param_encodings").raw("{");
        sep = "\n    ";
        for (IntLayer l : m.layers()) {
            QuantParams p = weightParams(l);
            if (p != null) {
                j.raw(sep).key(names.weight(l));
                entries(j, p);
                sep = ",\n    ";
            }
        }
        return j.raw("\n  }\n}\n").toString();
    }

    /** The encodings of a weight or activation, one entry per channel, as maps (for reports and tests). */
    public static List<Map<String, Object>> entries(QuantParams p) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int c = 0; c < p.channels(); c++) {
            list.add(Map.of("bitwidth", p.bits(), "dtype", "int",
                    "is_symmetric", p.symmetry() == Symmetry.SYMMETRIC ? "True" : "False",
                    "min", p.min(c), "max", p.max(c), "scale", p.scale(c), "offset", p.qmin() - p.zeroPoint(c)));
        }
        return list;
    }

    private static void entries(JsonText j, QuantParams p) {
        j.raw("[");
        String sep = "";
        for (Map<String, Object> e : entries(p)) {
            j.raw(sep).raw("{").key("bitwidth").number(((Number) e.get("bitwidth")).longValue())
                    .raw(", ").key("dtype").string((String) e.get("dtype"))
                    .raw(", ").key("is_symmetric").string((String) e.get("is_symmetric"))
                    .raw(", ").key("min").number((double) e.get("min"))
                    .raw(", ").key("max").number((double) e.get("max"))
                    .raw(", ").key("scale").number((double) e.get("scale"))
                    .raw(", ").key("offset").number(((Number) e.get("offset")).longValue()).raw("}");
            sep = ", ";
        }
        j.raw("]");
    }

    private static QuantParams weightParams(IntLayer l) {
        if (l instanceof IntLayer.Conv c) {
            return c.weightParams();
        }
        return l instanceof IntLayer.Gemm g ? g.weightParams() : null;
    }
}
