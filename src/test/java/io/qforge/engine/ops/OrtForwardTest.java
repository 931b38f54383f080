package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.distinct;
import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Float32 forward of one-node models: engine op vs ONNX Runtime, within 1e-4. */
class OrtForwardTest {
    private static final double TOLERANCE = 1e-4;

    private static void assertMatchesOrt(String label, OneNodeModel m) throws Exception {
        INDArray ours = m.runEngine();
        INDArray ort = m.runOrt();
        assertThat(ours.dataType()).as(label).isEqualTo(DataType.FLOAT);
        assertThat(ours.shape()).as("%s: shape", label).isEqualTo(ort.shape());
        double diff = Transforms.abs(ours.sub(ort)).maxNumber().doubleValue();
        System.out.printf("ORTCHECK %-50s %-16s max |diff| %.2e%n", label, TestArrays.shape(ort), diff);
        assertThat(diff).as("%s: max |engine - ORT|", label).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void convGroupsAndAsymmetricPads() throws Exception {
        assertMatchesOrt("Conv group 2, pads [0,1,2,1], stride 2", new OneNodeModel("Conv")
                .attr("group", 2L).attr("pads", ints(0, 1, 2, 1)).attr("strides", ints(2, 2))
                .input("x", uniform(1, -1, 1, 2, 4, 7, 7)).initializer("w", uniform(2, -1, 1, 6, 2, 3, 3))
                .initializer("b", uniform(3, -1, 1, 6)));
        assertMatchesOrt("Conv depthwise x2, pads [1,0,0,1], dilation 2", new OneNodeModel("Conv")
                .attr("group", 3L).attr("pads", ints(1, 0, 0, 1)).attr("dilations", ints(2, 2))
                .input("x", uniform(4, -1, 1, 2, 3, 8, 8)).initializer("w", uniform(5, -1, 1, 6, 1, 3, 3))
                .initializer("b", uniform(6, -1, 1, 6)));
        assertMatchesOrt("Conv dense no bias, SAME_LOWER stride 2", new OneNodeModel("Conv")
                .attr("auto_pad", "SAME_LOWER").attr("strides", ints(2, 2))
                .input("x", uniform(7, -1, 1, 1, 3, 6, 7)).initializer("w", uniform(8, -1, 1, 4, 3, 2, 2)));
        assertMatchesOrt("Conv dense dilation 2 stride [1,2] pads 1", new OneNodeModel("Conv")
                .attr("dilations", ints(2, 2)).attr("strides", ints(1, 2)).attr("pads", ints(1, 1, 1, 1))
                .input("x", uniform(34, -1, 1, 2, 3, 8, 9)).initializer("w", uniform(35, -1, 1, 4, 3, 3, 3))
                .initializer("b", uniform(36, -1, 1, 4)));
        assertMatchesOrt("Conv dense 5x5 pads 2", new OneNodeModel("Conv")
                .attr("pads", ints(2, 2, 2, 2))
                .input("x", uniform(9, -1, 1, 2, 8, 9, 9)).initializer("w", uniform(10, -1, 1, 16, 8, 5, 5))
                .initializer("b", uniform(11, -1, 1, 16)));
    }

    @Test
    void maxPool() throws Exception {
        INDArray x = distinct(12, 2, 3, 7, 7);
        assertMatchesOrt("MaxPool 3x3 s2 pads 1", new OneNodeModel("MaxPool").attr("kernel_shape", ints(3, 3))
                .attr("strides", ints(2, 2)).attr("pads", ints(1, 1, 1, 1)).input("x", x));
        assertMatchesOrt("MaxPool 2x2 s2 pads [0,1,1,0]", new OneNodeModel("MaxPool").attr("kernel_shape", ints(2, 2))
                .attr("strides", ints(2, 2)).attr("pads", ints(0, 1, 1, 0)).input("x", x));
        assertMatchesOrt("MaxPool 3x3 s2 ceil_mode", new OneNodeModel("MaxPool").attr("kernel_shape", ints(3, 3))
                .attr("strides", ints(2, 2)).attr("ceil_mode", 1L).input("x", distinct(13, 1, 2, 8, 8)));
        assertMatchesOrt("MaxPool 2x2 dilation 2", new OneNodeModel("MaxPool").attr("kernel_shape", ints(2, 2))
                .attr("dilations", ints(2, 2)).input("x", x));
        assertMatchesOrt("MaxPool 3x2 dilation [2,3] s2 pads [1,0,0,1]", new OneNodeModel("MaxPool")
                .attr("kernel_shape", ints(3, 2)).attr("dilations", ints(2, 3)).attr("strides", ints(2, 2))
                .attr("pads", ints(1, 0, 0, 1)).input("x", x));
    }

    @Test
    void averagePool() throws Exception {
        INDArray x = uniform(14, -1, 1, 2, 3, 7, 7);
        for (long cip = 0; cip <= 1; cip++) {
            assertMatchesOrt("AveragePool 3x3 pads 1 cip " + cip, new OneNodeModel("AveragePool")
                    .attr("kernel_shape", ints(3, 3)).attr("pads", ints(1, 1, 1, 1))
                    .attr("count_include_pad", cip).input("x", x));
            assertMatchesOrt("AveragePool 3x3 s2 pads [0,1,2,1] cip " + cip, new OneNodeModel("AveragePool")
                    .attr("kernel_shape", ints(3, 3)).attr("strides", ints(2, 2)).attr("pads", ints(0, 1, 2, 1))
                    .attr("count_include_pad", cip).input("x", x));
            assertMatchesOrt("AveragePool 2x2 s2 ceil_mode pads 1 cip " + cip, new OneNodeModel("AveragePool")
                    .attr("kernel_shape", ints(3, 3)).attr("strides", ints(2, 2)).attr("pads", ints(1, 1, 1, 1))
                    .attr("ceil_mode", 1L).attr("count_include_pad", cip).input("x", uniform(15, -1, 1, 1, 2, 8, 8)));
        }
        for (long cip = 0; cip <= 1; cip++) {
            assertMatchesOrt("AveragePool (opset 19) 3x3 dilation 2 pads [1,2,0,1] cip " + cip,
                    new OneNodeModel("AveragePool").opset(19).attr("kernel_shape", ints(3, 3))
                            .attr("dilations", ints(2, 2)).attr("pads", ints(1, 2, 0, 1))
                            .attr("count_include_pad", cip).input("x", x));
        }
        assertMatchesOrt("GlobalAveragePool", new OneNodeModel("GlobalAveragePool").input("x", x));
    }

    @Test
    void gemm() throws Exception {
        assertMatchesOrt("Gemm transA transB alpha 0.5 beta 2 C [N]", new OneNodeModel("Gemm")
                .attr("transA", 1L).attr("transB", 1L).attr("alpha", 0.5).attr("beta", 2.0)
                .input("a", uniform(16, -1, 1, 6, 4)).initializer("b", uniform(17, -1, 1, 5, 6))
                .initializer("c", uniform(18, -1, 1, 5)));
        assertMatchesOrt("Gemm transB C [M,1] beta 0.25", new OneNodeModel("Gemm")
                .attr("transB", 1L).attr("beta", 0.25)
                .input("a", uniform(19, -1, 1, 4, 6)).initializer("b", uniform(20, -1, 1, 5, 6))
                .initializer("c", uniform(21, -1, 1, 4, 1)));
        assertMatchesOrt("Gemm plain no C", new OneNodeModel("Gemm")
                .input("a", uniform(22, -1, 1, 3, 7)).initializer("b", uniform(23, -1, 1, 7, 2)));
    }

    @Test
    void batchNormInference() throws Exception {
        assertMatchesOrt("BatchNormalization inference eps 1e-3", new OneNodeModel("BatchNormalization")
                .attr("epsilon", 1e-3).input("x", uniform(24, -2, 2, 2, 3, 4, 5))
                .initializer("scale", uniform(25, 0.5, 1.5, 3)).initializer("B", uniform(26, -1, 1, 3))
                .initializer("mean", uniform(27, -0.5, 0.5, 3)).initializer("var", uniform(28, 0.5, 2, 3)));
    }

    @Test
    void elementwiseAndShapeOps() throws Exception {
        INDArray x = uniform(29, -3, 8, 2, 3, 4, 4);
        assertMatchesOrt("Add [2,3,4,4] + [3,1,1]", new OneNodeModel("Add").input("x", x)
                .initializer("b", uniform(30, -1, 1, 3, 1, 1)));
        assertMatchesOrt("Mul [3,1,1] * [2,3,4,4]", new OneNodeModel("Mul")
                .initializer("s", uniform(31, -1, 1, 3, 1, 1)).input("x", x));
        assertMatchesOrt("MatMul [2,3,4,4] x [4,5]", new OneNodeModel("MatMul").input("x", x)
                .initializer("w", uniform(32, -1, 1, 4, 5)));
        assertMatchesOrt("Relu", new OneNodeModel("Relu").input("x", x));
        assertMatchesOrt("Sigmoid", new OneNodeModel("Sigmoid").input("x", x));
        assertMatchesOrt("Clip(0,6)", new OneNodeModel("Clip").input("x", x)
                .initializer("lo", Nd4j.scalar(0.0f)).initializer("hi", Nd4j.scalar(6.0f)));
        assertMatchesOrt("Clip(-, 1)", new OneNodeModel("Clip").input("x", x).absent()
                .initializer("hi", Nd4j.scalar(1.0f)));
        assertMatchesOrt("Softmax axis 1", new OneNodeModel("Softmax").attr("axis", 1L).input("x", x));
        assertMatchesOrt("Flatten axis 2", new OneNodeModel("Flatten").attr("axis", 2L).input("x", x));
        assertMatchesOrt("Reshape [0,-1,2]", new OneNodeModel("Reshape").input("x", x)
                .initializer("shape", Nd4j.createFromArray(0L, -1L, 2L)));
        assertMatchesOrt("Concat axis 1", new OneNodeModel("Concat").attr("axis", 1L).input("x", x)
                .input("z", uniform(33, -1, 1, 2, 2, 4, 4)));
    }
}
