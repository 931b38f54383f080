package io.qforge.engine.quant;

import io.qforge.engine.graph.ElementType;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.graph.Node;
import io.qforge.engine.ops.ShapeInference;
import io.qforge.engine.graph.ValueInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small hand-built graphs for QAT tests (random weights from a seed). */
final class TinyGraphs {
    static final long C_IN = 3;
    static final long C_OUT = 4;

    private TinyGraphs() {
    }

    static Map<String, Object> convAttrs() {
        return Map.of("kernel_shape", new long[] {3, 3}, "strides", new long[] {1, 1}, "pads", new long[] {1, 1, 1, 1},
                "dilations", new long[] {1, 1}, "group", 1L);
    }

    /** x [-1,3,6,6] -> Conv(W [4,3,3,3], b) -> BatchNormalization -> Relu -> y. */
    static Graph convBnRelu(long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> inits = new LinkedHashMap<>();
        inits.put("W", Nd4j.randn(DataType.FLOAT, C_OUT, C_IN, 3, 3).muli(0.3));
        inits.put("b", Nd4j.randn(DataType.FLOAT, C_OUT).muli(0.1));
        inits.put("gamma", Nd4j.rand(DataType.FLOAT, C_OUT).addi(0.5));
        inits.put("beta", Nd4j.randn(DataType.FLOAT, C_OUT).muli(0.1));
        inits.put("mean", Nd4j.randn(DataType.FLOAT, C_OUT).muli(0.2));
        inits.put("var", Nd4j.rand(DataType.FLOAT, C_OUT).addi(0.5));
        List<Node> nodes = List.of(
                new Node("conv", "Conv", List.of("x", "W", "b"), List.of("c"), convAttrs()),
                new Node("bn", "BatchNormalization", List.of("c", "gamma", "beta", "mean", "var"), List.of("bnout"),
                        Map.of("epsilon", 1e-5, "momentum", 0.9)),
                new Node("relu", "Relu", List.of("bnout"), List.of("y"), Map.of()));
        return graph("conv_bn_relu", new long[] {-1, C_IN, 6, 6}, nodes, inits, "y", new long[] {-1, C_OUT, 6, 6});
    }

    static Graph graph(String name, long[] inputShape, List<Node> nodes, Map<String, INDArray> inits, String output,
                       long[] outputShape) {
        List<ValueInfo> in = List.of(new ValueInfo("x", ElementType.FLOAT, inputShape));
        Map<String, long[]> shapes = ShapeInference.infer(in, nodes, inits);
        return new Graph(name, in, List.of(new ValueInfo(output, ElementType.FLOAT, outputShape)), nodes, inits,
                shapes, 13);
    }
}
