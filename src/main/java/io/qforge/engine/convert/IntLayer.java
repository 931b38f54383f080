package io.qforge.engine.convert;

import io.qforge.engine.graph.Node;
import io.qforge.engine.quant.QuantParams;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of an {@link IntModel}: integer in, integer out. Tensor names are those of the FP32
 * graph, so a layer's output can be compared with the float tensor of the same name. Every
 * output's encoding is in {@link IntModel#activations()}; shape-only layers (max pool, reshape,
 * flatten) share their input's encoding (QDQ.md).
 */
public sealed interface IntLayer {

    /** The node name (from the FP32 graph) this layer came from. */
    String name();

    List<String> inputs();

    /** The layer's (first) output. */
    String output();

    /**
     * Every integer tensor the layer produces, {@link #output()} first: one for every layer but a
     * float island of an op with several used outputs (Split), whose outputs each keep an encoding.
     */
    default List<String> outputs() {
        return List.of(output());
    }

    /**
     * A float clip fused into the layer (ReLU = [0, inf), ReLU6 = [0, 6]); applied in the integer
     * domain as a clamp at {@code zp + rint(bound / scale)} intersected with [qmin, qmax].
     */
    record Clip(double min, double max) {
        public static final Clip NONE = new Clip(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        public static final Clip RELU = new Clip(0, Double.POSITIVE_INFINITY);

        public boolean isNone() {
            return min == Double.NEGATIVE_INFINITY && max == Double.POSITIVE_INFINITY;
        }
    }

    /**
     * 2-D convolution, BatchNorm already folded in.
     *
     * @param weight   INT8 [oC, iC/group, kH, kW]
     * @param weightParams per channel on axis 0 (or per tensor), symmetric, zero point 0
     * @param bias     int32 per output channel, scale {@code s_in * s_w[c]}, zero point 0
     * @param pads     [top, left, bottom, right]
     */
    record Conv(String name, String input, String output, INDArray weight, QuantParams weightParams, int[] bias,
                long[] strides, long[] pads, long[] dilations, int group, Clip clip) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }
    }

    /**
     * Fully connected: {@code y = x W^T + b} for x [N, K]. Gemm (alpha, transB) and MatMul with a
     * constant weight are normalized to this form.
     *
     * @param weight INT8 [outFeatures, inFeatures]
     * @param weightParams per channel on axis 0 (or per tensor)
     * @param bias   int32 per output feature, scale {@code s_in * s_w[c]}
     */
    record Gemm(String name, String input, String output, INDArray weight, QuantParams weightParams, int[] bias,
                Clip clip) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }
    }

    /** Element-wise sum with numpy broadcasting, each input requantized to the output scale. */
    record Add(String name, String a, String b, String output, Clip clip) implements IntLayer {
        public List<String> inputs() {
            return List.of(a, b);
        }
    }

    /** Element-wise product with numpy broadcasting. */
    record Mul(String name, String a, String b, String output) implements IntLayer {
        public List<String> inputs() {
            return List.of(a, b);
        }
    }

    /** Max pooling; shares its input's encoding. pads [top, left, bottom, right]. */
    record MaxPool(String name, String input, String output, long[] kernel, long[] strides, long[] pads,
                   long[] dilations) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }
    }

    /** Average pooling (global when {@code kernel} is null). pads [top, left, bottom, right]. */
    record AveragePool(String name, String input, String output, long[] kernel, long[] strides, long[] pads,
                       boolean countIncludePad) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }

        public boolean global() {
            return kernel == null;
        }
    }

    /** Reshape to {@code shape} (ONNX semantics: 0 copies a dimension, -1 is inferred). Shares its input's encoding. */
    record Reshape(String name, String input, String output, long[] shape) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }
    }

    /** ONNX Flatten at {@code axis}. Shares its input's encoding. */
    record Flatten(String name, String input, String output, int axis) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }
    }

    /** Concatenation along {@code axis}, each input requantized to the output encoding. */
    record Concat(String name, List<String> inputs, String output, int axis) implements IntLayer {
    }

    /** Logistic sigmoid by a lookup table over the input's integer range. */
    record Sigmoid(String name, String input, String output) implements IntLayer {
        public List<String> inputs() {
            return List.of(input);
        }
    }

    /**
     * A float island: an op without an integer kernel, run in float between a dequantization of its
     * integer inputs and a quantization of its output (round half to even, saturated to the output
     * encoding's range), as ONNX Runtime runs DequantizeLinear -> op -> QuantizeLinear.
     *
     * @param nodes     the FP32 nodes in order (the op, then an optional fused Relu / Clip); they read
     *                  the integer {@code inputs} (dequantized), {@code constants} and earlier nodes' outputs
     * @param inputs    the integer tensors the island reads, in order of first use
     * @param outputs   the integer tensors it produces: one, or each used output of a single op with
     *                  several (Split), in the op's output order
     * @param constants float (or integer shape) constants the nodes read, by name, as trained
     */
    record FloatIsland(String name, List<Node> nodes, List<String> inputs, List<String> outputs,
                       Map<String, INDArray> constants) implements IntLayer {
        public FloatIsland {
            nodes = List.copyOf(nodes);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            constants = Map.copyOf(constants);
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException("float island '" + name + "' has no output");
            }
        }

        /** An island with one output. */
        public FloatIsland(String name, List<Node> nodes, List<String> inputs, String output,
                           Map<String, INDArray> constants) {
            this(name, nodes, inputs, List.of(output), constants);
        }

        @Override
        public String output() {
            return outputs.get(0);
        }

        /** The island's op type (its first node's). */
        public String opType() {
            return nodes.get(0).opType();
        }
    }
}
