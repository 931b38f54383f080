package io.qforge.engine.quant;

import io.qforge.engine.graph.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A group of FP32 nodes that is quantized as one: integer in, integer out (QDQ.md). Found by
 * {@link QuantizationPlan#of}; the QAT rewrite and the converter both work unit by unit.
 */
public sealed interface QuantUnit {

    /** The FP32 nodes of the unit, in graph order. */
    List<Node> nodes();

    /** The tensor the unit produces: its last node's first output. */
    default String output() {
        List<Node> n = nodes();
        return n.get(n.size() - 1).output(0);
    }

    /** The first node (names the unit in messages and in the integer model). */
    default Node head() {
        return nodes().get(0);
    }

    /**
     * Conv / Gemm / MatMul with a constant weight, then optionally BatchNormalization (Conv only,
     * folded), an Add of a constant bias (Gemm without C, MatMul) and a Relu or constant Clip; the
     * output quantizer sits after the last of them.
     */
    record Linear(Node op, Node batchNorm, Node biasAdd, Node activation) implements QuantUnit {
        public String input() {
            return op.input(0);
        }

        public String weight() {
            return op.input(1);
        }

        /** Output-channel axis of the weight: Conv 0; Gemm 0 if transB else 1; MatMul [K,N] 1. */
        public int weightAxis() {
            return switch (op.opType()) {
                case "Conv" -> 0;
                case "Gemm" -> op.attrInt("transB", 0) != 0 ? 0 : 1;
                default -> 1;
            };
        }

        @Override
        public List<Node> nodes() {
            return present(op, batchNorm, biasAdd, activation);
        }
    }

    /**
     * Any other op whose output gets its own quantizer (Add, Mul, Concat, Sigmoid, pools, ...),
     * optionally with a fused Relu / constant Clip (Add + Relu).
     */
    record Quantized(Node op, Node activation) implements QuantUnit {
        @Override
        public List<Node> nodes() {
            return present(op, activation);
        }
    }

    /**
     * An op without an integer kernel (standalone BatchNormalization, a Softmax inside the graph, an
     * op with a constant operand, ...), optionally with a fused Relu / constant Clip: it runs in float
     * between DequantizeLinear of its integer inputs and QuantizeLinear of its output, as ONNX Runtime
     * runs QDQ models. Its inputs and output are quantized like any unit's; the simulation computes the
     * same thing (float op on fake-quantized inputs, output fake-quantized).
     */
    record FloatIsland(Node op, Node activation) implements QuantUnit {
        @Override
        public List<Node> nodes() {
            return present(op, activation);
        }
    }

    /** MaxPool, Flatten, Reshape, Identity, Dropout: the output shares the input's quantization. */
    record ShapeOnly(Node op) implements QuantUnit {
        @Override
        public List<Node> nodes() {
            return List.of(op);
        }
    }

    /** A Softmax producing the graph output: stays float, its input is the last quantized tensor. */
    record FloatTail(Node op) implements QuantUnit {
        @Override
        public List<Node> nodes() {
            return List.of(op);
        }
    }

    private static List<Node> present(Node... nodes) {
        List<Node> out = new ArrayList<>(nodes.length);
        for (Node n : nodes) {
            if (n != null) {
                out.add(n);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
