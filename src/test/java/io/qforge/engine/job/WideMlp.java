package io.qforge.engine.job;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.ShapeInference;
import io.qforge.engine.graph.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A Gemm-ReLU MLP with seeded random weights, for tests that need a model of realistic size. */
public final class WideMlp {
    private WideMlp() {
    }

    public static Graph graph(int... widths) {
        Nd4j.getRandom().setSeed(11);
        Map<String, INDArray> inits = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        String x = "input";
        for (int i = 0; i + 1 < widths.length; i++) {
            String w = "fc" + i + ".weight";
            String b = "fc" + i + ".bias";
            inits.put(w, Nd4j.randn(DataType.FLOAT, widths[i + 1], widths[i]).muli(Math.sqrt(2.0 / widths[i])));
            inits.put(b, Nd4j.zeros(DataType.FLOAT, widths[i + 1]));
            boolean last = i + 2 == widths.length;
            String y = last ? "logits" : "fc" + i;
            nodes.add(new Node("Gemm_" + i, "Gemm", List.of(x, w, b), List.of(y),
                    Map.of("alpha", 1.0, "beta", 1.0, "transA", 0L, "transB", 1L)));
            if (!last) {
                nodes.add(new Node("Relu_" + i, "Relu", List.of(y), List.of(y + ".relu"), Map.of()));
                x = y + ".relu";
            }
        }
        List<ValueInfo> in = List.of(new ValueInfo("input", ElementType.FLOAT, new long[] {-1, widths[0]}));
        List<ValueInfo> out = List.of(new ValueInfo("logits", ElementType.FLOAT, new long[] {-1, widths[widths.length - 1]}));
        Map<String, long[]> shapes = ShapeInference.infer(in, nodes, inits);
        return new Graph("wide_mlp", in, out, nodes, inits, shapes, 13);
    }
}
