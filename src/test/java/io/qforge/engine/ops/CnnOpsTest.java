package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.distinct;
import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qforge.engine.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ops torchvision's CNNs add (mobilenet_v3, shufflenet_v2, googlenet, inception, densenet,
 * efficientnet): float64 central-difference gradient checks, float32 forward against ONNX
 * Runtime on one-node models (max |diff| <= 1e-4), and the shape rule against the kernel.
 */
class CnnOpsTest {
    private static final double ORT_TOLERANCE = 1e-4;

    private static INDArray[] in(INDArray... a) {
        return a;
    }

    private static INDArray longs(long... v) {
        return Nd4j.createFromArray(v);
    }

    /** Engine (float32) vs ORT, and the shape rule vs the engine's output shape. */
    private static void ort(String label, OneNodeModel m) throws Exception {
        INDArray ours = m.runEngine();
        INDArray ort = m.runOrt();
        assertThat(ours.shape()).as("%s: shape", label).isEqualTo(ort.shape());
        double diff = Transforms.abs(ours.castTo(DataType.FLOAT).sub(ort)).maxNumber().doubleValue();
        System.out.printf("ORTCHECK %-50s %-16s max |diff| %.2e%n", label, TestArrays.shape(ort), diff);
        assertThat(diff).as("%s: max |engine - ORT|", label).isLessThanOrEqualTo(ORT_TOLERANCE);
        Node n = m.node();
        INDArray[] inputs = m.engineInputs();
        List<long[]> shapes = new ArrayList<>();
        for (INDArray a : inputs) {
            shapes.add(a == null ? null : a.shape());
        }
        Map<String, INDArray> constants = new java.util.HashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null) {
                constants.put(n.input(i), inputs[i]);
            }
        }
        assertThat(ShapeInference.inferNode(n, shapes, constants::get).get(0)).as("%s: shape rule", label)
                .containsExactly(ours.shape());
    }

    @Test
    void hardSigmoidAndHardSwish() throws Exception {
        INDArray x = uniform(1, -5, 5, 2, 3, 4, 4);
        Op hs = op("HardSigmoid", 1, "alpha", 1.0 / 6, "beta", 0.5);
        GradientCheck.check("HardSigmoid 1/6 1/2", hs, in(x.dup()), 0);
        GradientCheck.check("HardSigmoid default", op("HardSigmoid", 1), in(x.dup()), 0);
        GradientCheck.check("HardSwish", op("HardSwish", 1), in(x.dup()), 0);
        ort("HardSigmoid alpha 1/6 beta 0.5", new OneNodeModel("HardSigmoid").attr("alpha", 1.0 / 6).attr("beta", 0.5)
                .input("x", x));
        ort("HardSigmoid defaults", new OneNodeModel("HardSigmoid").input("x", x));
        ort("HardSwish (opset 14)", new OneNodeModel("HardSwish").opset(14).input("x", x));
    }

    @Test
    void subDivNegBroadcast() throws Exception {
        INDArray a = uniform(2, -1, 1, 2, 3, 4, 4);
        INDArray b = TestArrays.awayFromZero(3, 0.5, 2, 1, 3, 1, 1);
        GradientCheck.check("Sub broadcast", op("Sub", 2), in(a.dup(), b.dup()), 0, 1);
        GradientCheck.check("Div broadcast", op("Div", 2), in(a.dup(), b.dup()), 0, 1);
        GradientCheck.check("Div scalar-like", op("Div", 2), in(a.dup(), TestArrays.awayFromZero(4, 0.5, 2, 1)), 0, 1);
        GradientCheck.check("Neg", op("Neg", 1), in(a.dup()), 0);
        ort("Sub [2,3,4,4]-[1,3,1,1]", new OneNodeModel("Sub").input("a", a).initializer("b", b));
        ort("Div [2,3,4,4]/[1,3,1,1]", new OneNodeModel("Div").input("a", a).initializer("b", b));
        ort("Div [3,1,1]/[2,3,4,4] (broadcast first)", new OneNodeModel("Div").initializer("a", b.reshape(3, 1, 1))
                .input("b", TestArrays.awayFromZero(5, 0.5, 2, 2, 3, 4, 4)));
        ort("Neg", new OneNodeModel("Neg").input("x", a));
    }

    @Test
    void transpose() throws Exception {
        INDArray x = uniform(6, -1, 1, 2, 3, 4, 5);
        GradientCheck.check("Transpose [0,2,1,3]", op("Transpose", 1, "perm", ints(0, 2, 1, 3)), in(x.dup()), 0);
        GradientCheck.check("Transpose default (reverse)", op("Transpose", 1), in(x.dup()), 0);
        ort("Transpose [0,2,1,3] (channel shuffle)", new OneNodeModel("Transpose").attr("perm", ints(0, 2, 1, 3))
                .input("x", x));
        ort("Transpose [0,3,1,2]", new OneNodeModel("Transpose").attr("perm", ints(0, 3, 1, 2)).input("x", x));
        ort("Transpose default", new OneNodeModel("Transpose").input("x", x));
    }

    @Test
    void squeezeAndUnsqueezeAsInputAndAttribute() throws Exception {
        INDArray x = uniform(7, -1, 1, 2, 3, 1, 1);
        GradientCheck.check("Squeeze axes [2,3]", op("Squeeze", 2), in(x.dup(), longs(2, 3)), 0);
        GradientCheck.check("Unsqueeze axes [1,-1]", op("Unsqueeze", 2), in(uniform(8, -1, 1, 2, 3), longs(1, -1)), 0);
        ort("Squeeze axes input [-1,2]", new OneNodeModel("Squeeze").input("x", x).initializer("axes", longs(-1, 2)));
        ort("Squeeze no axes", new OneNodeModel("Squeeze").input("x", x));
        ort("Squeeze (opset 11) axes attribute [3]", new OneNodeModel("Squeeze").opset(11).attr("axes", ints(3))
                .input("x", x));
        ort("Unsqueeze axes input [1,4]", new OneNodeModel("Unsqueeze").input("x", uniform(9, -1, 1, 2, 3, 4))
                .initializer("axes", longs(1, 4)));
        ort("Unsqueeze (opset 12) axes attribute [-1]", new OneNodeModel("Unsqueeze").opset(12).attr("axes", ints(-1))
                .input("x", uniform(9, -1, 1, 2, 3, 4)));
        assertThatThrownBy(() -> op("Squeeze", 2).forward(in(x, longs(1)), new OpContext(false)))
                .hasMessageContaining("squeeze_test").hasMessageContaining("axis 1");
    }

    /** Split's outputs as one: {@code Y = concat(flatten(outputs))}, so the check covers every output. */
    private static final class AllOutputs implements Op {
        private final Op inner;

        AllOutputs(Op inner) {
            this.inner = inner;
        }

        @Override
        public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
            INDArray[] outs = inner.forward(inputs, ctx);
            INDArray[] flat = new INDArray[outs.length];
            for (int i = 0; i < outs.length; i++) {
                flat[i] = outs[i].reshape(outs[i].length());
            }
            return new INDArray[] {Nd4j.concat(0, flat)};
        }

        @Override
        public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
            INDArray[] outs = inner.forward(inputs, ctx);
            INDArray[] g = new INDArray[outs.length];
            long from = 0;
            for (int i = 0; i < outs.length; i++) {
                g[i] = gradOutputs[0].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + outs[i].length()))
                        .reshape(outs[i].shape());
                from += outs[i].length();
            }
            return inner.backward(inputs, outs, g, ctx);
        }
    }

    @Test
    void split() {
        INDArray x = uniform(10, -1, 1, 2, 6, 3, 3);
        Op equal = OpRegistry.create(TestArrays.node("Split", 1, 2, "axis", 1L));
        INDArray[] halves = equal.forward(in(x), new OpContext(false));
        assertThat(halves[0].shape()).containsExactly(2, 3, 3, 3);
        assertThat(halves[1].getDouble(1, 0, 2, 1)).isEqualTo(x.getDouble(1, 3, 2, 1));
        GradientCheck.check("Split equal axis 1", new AllOutputs(equal), in(x.dup()), 0);
        Op sized = OpRegistry.create(TestArrays.node("Split", 2, 3, "axis", -3L));
        INDArray[] parts = sized.forward(in(x, longs(1, 2, 3)), new OpContext(false));
        assertThat(parts[2].shape()).containsExactly(2, 3, 3, 3);
        assertThat(parts[2].getDouble(0, 0, 1, 1)).isEqualTo(x.getDouble(0, 3, 1, 1));
        GradientCheck.check("Split [1,2,3] axis -3", new AllOutputs(sized), in(x.dup(), longs(1, 2, 3)), 0);
        INDArray[] grads = sized.backward(in(x, longs(1, 2, 3)), parts, new INDArray[] {null, parts[1], null},
                new OpContext(false));
        assertThat(grads[0].sumNumber().doubleValue()).isEqualTo(parts[1].sumNumber().doubleValue(),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> OpRegistry.create(TestArrays.node("Split", 1, 4, "axis", 1L)).forward(in(x),
                new OpContext(false))).hasMessageContaining("split_test").hasMessageContaining("4 equal parts");
    }

    @Test
    void sliceWithNegativeClampedAndReversedRanges() throws Exception {
        INDArray x = uniform(11, -1, 1, 2, 8, 5, 6);
        Object[][] cases = {
            {"channels [2:6]", longs(2), longs(6), longs(1), null},
            {"negative start, INT64_MAX end, step 2", longs(-5, 1), longs(Long.MAX_VALUE, 100), longs(1, 3), longs(2, 2)},
            {"negative step, clamped", longs(-1, 4), longs(Long.MIN_VALUE, 0), longs(2, 3), longs(-1, -2)},
            {"all axes, no axes input", longs(0, 1, 1, 0), longs(2, 7, 5, 6), null, null},
        };
        for (Object[] c : cases) {
            String label = "Slice " + c[0];
            OneNodeModel m = new OneNodeModel("Slice").input("x", x).initializer("starts", (INDArray) c[1])
                    .initializer("ends", (INDArray) c[2]);
            List<INDArray> extra = new ArrayList<>(List.of(x.dup(), (INDArray) c[1], (INDArray) c[2]));
            if (c[3] != null) {
                m.initializer("axes", (INDArray) c[3]);
                extra.add((INDArray) c[3]);
            } else if (c[4] != null) {
                m.absent();
                extra.add(null);
            }
            if (c[4] != null) {
                m.initializer("steps", (INDArray) c[4]);
                extra.add((INDArray) c[4]);
            }
            ort(label, m);
            GradientCheck.check(label, OpRegistry.create(m.node()), extra.toArray(INDArray[]::new), 0);
        }
    }

    @Test
    void gatherOnConstantIndices() throws Exception {
        INDArray x = uniform(12, -1, 1, 2, 5, 3);
        ort("Gather axis 1 scalar index", new OneNodeModel("Gather").attr("axis", 1L).input("x", x)
                .initializer("i", Nd4j.scalar(-2L)));
        ort("Gather axis 2 indices [[2,0],[0,1]]", new OneNodeModel("Gather").attr("axis", 2L).input("x", x)
                .initializer("i", Nd4j.createFromArray(new long[][] {{2, 0}, {0, 1}})));
        GradientCheck.check("Gather axis 1 repeated indices", op("Gather", 2, "axis", 1L),
                in(x.dup(), longs(4, 0, 4, -1)), 0);
        GradientCheck.check("Gather axis -1 scalar", op("Gather", 2, "axis", -1L), in(x.dup(), Nd4j.scalar(1L)), 0);
    }

    @Test
    void softmaxOnEveryAxis() throws Exception {
        INDArray x = uniform(13, -3, 3, 2, 3, 4, 5);
        for (long axis = -4; axis < 4; axis++) {
            ort("Softmax axis " + axis, new OneNodeModel("Softmax").attr("axis", axis).input("x", x));
        }
        GradientCheck.check("Softmax axis 2", op("Softmax", 1, "axis", 2L), in(x.dup()), 0);
    }

    @Test
    void reduceMeanAndSum() throws Exception {
        INDArray x = uniform(14, -1, 1, 2, 3, 4, 5);
        ort("ReduceMean axes [1] keepdims", new OneNodeModel("ReduceMean").attr("axes", ints(1)).input("x", x));
        ort("ReduceMean axes [-1,2] no keepdims", new OneNodeModel("ReduceMean").attr("axes", ints(-1, 2))
                .attr("keepdims", 0L).input("x", x));
        ort("ReduceSum (opset 13) axes input [1,3]", new OneNodeModel("ReduceSum").input("x", x)
                .initializer("axes", longs(1, 3)).attr("keepdims", 0L));
        ort("ReduceSum (opset 11) axes attribute [2]", new OneNodeModel("ReduceSum").opset(11).attr("axes", ints(2))
                .input("x", x));
        ort("ReduceSum noop_with_empty_axes", new OneNodeModel("ReduceSum").attr("noop_with_empty_axes", 1L)
                .input("x", x));
        GradientCheck.check("ReduceMean [1,3] keepdims", op("ReduceMean", 1, "axes", ints(1, 3)), in(x.dup()), 0);
        GradientCheck.check("ReduceMean [-1] no keepdims", op("ReduceMean", 1, "axes", ints(-1), "keepdims", 0L),
                in(x.dup()), 0);
        GradientCheck.check("ReduceSum axes input [2]", op("ReduceSum", 2, "keepdims", 0L), in(x.dup(), longs(2)), 0);
    }

    @Test
    void padConstantReflectEdge() throws Exception {
        INDArray x = uniform(15, -1, 1, 2, 3, 5, 4);
        INDArray pads = longs(0, 0, 1, 2, 0, 0, 3, 1);
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            OneNodeModel m = new OneNodeModel("Pad").attr("mode", mode).input("x", x).initializer("pads", pads);
            if (mode.equals("constant")) {
                m.initializer("value", Nd4j.scalar(-0.75));
            }
            ort("Pad " + mode + " [0,0,1,2,0,0,3,1]", m);
            INDArray[] inputs = mode.equals("constant") ? in(x.dup(), pads, Nd4j.scalar(-0.75)) : in(x.dup(), pads);
            GradientCheck.check("Pad " + mode, OpRegistry.create(m.node()), inputs, 0);
        }
        ort("Pad (opset 11) constant default value, channel pad",
                new OneNodeModel("Pad").opset(11).input("x", x).initializer("pads", longs(0, 1, 0, 0, 0, 2, 1, 0)));
        assertThatThrownBy(() -> new OneNodeModel("Pad").attr("mode", "reflect").input("x", x)
                .initializer("pads", longs(0, 0, 5, 0, 0, 0, 0, 0)).runEngine())
                .hasMessageContaining("pad_ort").hasMessageContaining("smaller than the dimension 5");
    }

    @Test
    void poolsWithCeilModeKeepTheLastWindowInsideTheInput() throws Exception {
        // in 5, kernel 2, stride 2, pads 1: ceil((5+2-2)/2)+1 = 4, but the 4th window would start at 6 = in + pad
        INDArray x = distinct(16, 2, 3, 5, 5);
        ort("MaxPool 2x2 s2 pads 1 ceil_mode (last window dropped)", new OneNodeModel("MaxPool")
                .attr("kernel_shape", ints(2, 2)).attr("strides", ints(2, 2)).attr("pads", ints(1, 1, 1, 1))
                .attr("ceil_mode", 1L).input("x", x));
        ort("AveragePool 2x2 s2 pads 1 ceil_mode", new OneNodeModel("AveragePool")
                .attr("kernel_shape", ints(2, 2)).attr("strides", ints(2, 2)).attr("pads", ints(1, 1, 1, 1))
                .attr("ceil_mode", 1L).input("x", uniform(17, -1, 1, 2, 3, 5, 5)));
        ort("MaxPool 3x3 s2 ceil_mode 14x14 (googlenet)", new OneNodeModel("MaxPool")
                .attr("kernel_shape", ints(3, 3)).attr("strides", ints(2, 2)).attr("ceil_mode", 1L)
                .input("x", distinct(18, 1, 2, 14, 14)));
        GradientCheck.check("MaxPool ceil_mode pads 1", OpRegistry.create(TestArrays.node("MaxPool", 1, 1,
                "kernel_shape", ints(2, 2), "strides", ints(2, 2), "pads", ints(1, 1, 1, 1), "ceil_mode", 1L)), in(x.dup()), 0);
    }
}
