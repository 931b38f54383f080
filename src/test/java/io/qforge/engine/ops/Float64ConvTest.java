package io.qforge.engine.ops;

import static io.qforge.engine.ops.TestArrays.ints;
import static io.qforge.engine.ops.TestArrays.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The float64 forward convolution against libnd4j's float64 kernels on the same inputs. */
class Float64ConvTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // name, kind, C, oC, group, k, stride, pad, dilation, bias
            "dense 3x3 pad 1, DENSE, 3, 5, 1, 3, 1, 1, 1, true",
            "dense 1x1, DENSE, 8, 6, 1, 1, 1, 0, 1, true",
            "dense 3x3 stride 2 no bias, DENSE, 4, 3, 1, 3, 2, 1, 1, false",
            "grouped 2, GROUPED, 4, 6, 2, 3, 1, 1, 1, true",
            "depthwise x2 stride 2, DEPTHWISE, 3, 6, 3, 3, 2, 1, 1, true",
            "depthwise 5x5 dilation 2, DEPTHWISE, 4, 4, 4, 5, 1, 4, 2, false",
    })
    void agreesWithLibnd4j(String name, ConvKernels.Kind kind, int c, int oc, int group, int k, int stride, int pad,
                           int dilation, boolean bias) {
        INDArray x = uniform(11, -1, 1, ints(2, c, 9, 8));
        INDArray w = uniform(12, -1, 1, ints(oc, c / group, k, k));
        INDArray b = bias ? uniform(13, -1, 1, oc) : null;
        assertThat(x.dataType()).isEqualTo(DataType.DOUBLE);
        int[] window = {k, k, stride, stride, pad, pad, dilation, dilation, 0};
        INDArray ours = Float64Conv.forward(x, w, b, window, group);
        INDArray ref = ConvKernels.forwardNd4j(kind, x, w, b, window, group);
        assertThat(ours.shape()).isEqualTo(ref.shape());
        double max = Transforms.abs(ref).maxNumber().doubleValue();
        double diff = Transforms.abs(ours.sub(ref)).maxNumber().doubleValue();
        assertThat(max).as("not vacuous").isGreaterThan(0.1);
        assertThat(diff).as("%s: max |float64 conv - libnd4j|", name).isLessThanOrEqualTo(1e-13 * max);
    }
}
