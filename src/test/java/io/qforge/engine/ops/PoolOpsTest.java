package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.distinct;
import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.op;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class PoolOpsTest {

    @Test
    void maxPoolVariants() {
        INDArray x = distinct(1, 2, 2, 6, 6);
        Object[][] attrs = {
            {"kernel_shape", ints(2, 2), "strides", ints(2, 2)},
            {"kernel_shape", ints(3, 3), "strides", ints(1, 1), "pads", ints(1, 1, 1, 1)},
            {"kernel_shape", ints(3, 3), "strides", ints(2, 2), "pads", ints(0, 0, 1, 1)},
            {"kernel_shape", ints(2, 2), "dilations", ints(2, 2)},
            {"kernel_shape", ints(3, 3), "strides", ints(2, 2), "ceil_mode", 1L},
            {"kernel_shape", ints(2, 3), "strides", ints(2, 1), "dilations", ints(3, 2), "pads", ints(1, 0, 0, 1)},
        };
        long[][] shapes = {ints(2, 2, 3, 3), ints(2, 2, 6, 6), ints(2, 2, 3, 3), ints(2, 2, 4, 4), ints(2, 2, 3, 3),
            ints(2, 2, 2, 3)};
        for (int i = 0; i < attrs.length; i++) {
            Op op = op("MaxPool", 1, attrs[i]);
            INDArray[] in = {x};
            assertThat(op.forward(in, new OpContext(false))[0].shape()).as("case %d", i).isEqualTo(shapes[i]);
            GradientCheck.check("MaxPool case " + i, op, in, 0);
        }
    }

    @Test
    void maxPoolValues() {
        INDArray x = distinct(2, 1, 1, 4, 4);
        INDArray y = op("MaxPool", 1, "kernel_shape", ints(2, 2), "strides", ints(2, 2))
                .forward(new INDArray[] {x}, new OpContext(false))[0];
        double expected = Math.max(Math.max(x.getDouble(0, 0, 2, 2), x.getDouble(0, 0, 2, 3)),
                Math.max(x.getDouble(0, 0, 3, 2), x.getDouble(0, 0, 3, 3)));
        assertThat(y.getDouble(0, 0, 1, 1)).isEqualTo(expected);
    }

    @Test
    void averagePoolVariants() {
        INDArray x = uniform(3, -1, 1, 2, 2, 5, 5);
        Object[][] attrs = {
            {"kernel_shape", ints(2, 2), "strides", ints(2, 2)},
            {"kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1), "count_include_pad", 0L},
            {"kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1), "count_include_pad", 1L},
            {"kernel_shape", ints(3, 3), "strides", ints(2, 2), "pads", ints(0, 1, 2, 0), "count_include_pad", 0L},
            {"kernel_shape", ints(3, 3), "strides", ints(2, 2), "pads", ints(0, 1, 2, 0), "count_include_pad", 1L},
            {"kernel_shape", ints(2, 2), "strides", ints(2, 2), "ceil_mode", 1L},
            {"kernel_shape", ints(2, 2), "dilations", ints(2, 2), "pads", ints(1, 0, 0, 1), "count_include_pad", 0L},
            {"kernel_shape", ints(2, 2), "dilations", ints(2, 2), "pads", ints(1, 0, 0, 1), "count_include_pad", 1L},
        };
        long[][] shapes = {ints(2, 2, 2, 2), ints(2, 2, 5, 5), ints(2, 2, 5, 5), ints(2, 2, 3, 2), ints(2, 2, 3, 2),
            ints(2, 2, 3, 3), ints(2, 2, 4, 4), ints(2, 2, 4, 4)};
        for (int i = 0; i < attrs.length; i++) {
            Op op = op("AveragePool", 1, attrs[i]);
            INDArray[] in = {x};
            assertThat(op.forward(in, new OpContext(false))[0].shape()).as("case %d", i).isEqualTo(shapes[i]);
            GradientCheck.check("AveragePool case " + i, op, in, 0);
        }
    }

    @Test
    void averagePoolCornerDivisor() {
        INDArray x = uniform(4, -1, 1, 1, 1, 4, 4);
        double corner = (x.getDouble(0, 0, 0, 0) + x.getDouble(0, 0, 0, 1) + x.getDouble(0, 0, 1, 0)
                + x.getDouble(0, 0, 1, 1));
        INDArray exclude = op("AveragePool", 1, "kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1))
                .forward(new INDArray[] {x}, new OpContext(false))[0];
        INDArray include = op("AveragePool", 1, "kernel_shape", ints(3, 3), "pads", ints(1, 1, 1, 1),
                "count_include_pad", 1L).forward(new INDArray[] {x}, new OpContext(false))[0];
        assertThat(exclude.getDouble(0, 0, 0, 0)).isCloseTo(corner / 4, within(1e-12));
        assertThat(include.getDouble(0, 0, 0, 0)).isCloseTo(corner / 9, within(1e-12));
        INDArray asym = op("AveragePool", 1, "kernel_shape", ints(3, 3), "pads", ints(1, 1, 0, 0))
                .forward(new INDArray[] {x}, new OpContext(false))[0];
        assertThat(asym.getDouble(0, 0, 0, 0)).isCloseTo(corner / 4, within(1e-12));
    }

    @Test
    void globalAveragePool() {
        Op op = op("GlobalAveragePool", 1);
        INDArray x = uniform(5, -1, 1, 2, 3, 4, 5);
        INDArray y = op.forward(new INDArray[] {x}, new OpContext(false))[0];
        assertThat(y.shape()).containsExactly(2, 3, 1, 1);
        assertThat(y.getDouble(1, 2, 0, 0)).isCloseTo(x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2)).meanNumber().doubleValue(), within(1e-12));
        GradientCheck.check("GlobalAveragePool", op, new INDArray[] {x}, 0);
    }

    @Test
    void rejectsIndicesOutputAndThreeDimensionalWindows() {
        assertThatThrownBy(() -> OpRegistry.create(TestArrays.node("MaxPool", 1, 2, "kernel_shape", ints(2, 2))))
                .hasMessageContaining("maxpool_test").hasMessageContaining("Indices");
        assertThatThrownBy(() -> op("AveragePool", 1, "kernel_shape", ints(2, 2, 2)))
                .hasMessageContaining("averagepool_test").hasMessageContaining("2-D");
    }
}
