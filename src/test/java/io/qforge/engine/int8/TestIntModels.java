package io.qforge.engine.int8;

import io.qforge.engine.convert.IntLayer.Clip;
import io.qforge.engine.convert.IntModel;
import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Test-only: hand-built integer models (random integer weights, fixed seeds) on the fixture
 * datasets, calibrated on the first 256 training samples and evaluated on the test split.
 */
final class TestIntModels {
    static final Clip RELU6 = new Clip(0, 6);

    private TestIntModels() {
    }

    static Dataset digits() {
        return NpzReader.read(Path.of("src/test/resources/fixtures/digits.npz"));
    }

    static Dataset breastCancer() {
        return NpzReader.read(Path.of("src/test/resources/fixtures/breast_cancer.npz"));
    }

    static INDArray calibration(Dataset d) {
        return d.xTrain().get(NDArrayIndex.interval(0, 256)).dup();
    }

    static IntModel build(String kind, Dataset d, int actBits, int weightBits) {
        String name = kind + "_w" + weightBits + "a" + actBits;
        IntModelBuilder b = new IntModelBuilder(name, calibration(d), actBits, weightBits, kind.hashCode());
        return switch (kind) {
            case "lenet" -> lenet(b);
            case "dwsep" -> dwsep(b);
            case "residual" -> residual(b);
            case "zoo" -> zoo(b);
            case "gate" -> gate(b);
            case "mlp" -> mlp(b);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** conv(+relu) -> maxpool -> conv(+relu) -> maxpool -> reshape [0, -1] -> gemm(+relu) -> gemm -> softmax. */
    static IntModel lenet(IntModelBuilder b) {
        return b.conv("c1", "input", 8, 3, 1, 1, 1, 1, Clip.RELU).maxPool("p1", "c1", 2, 2)
                .conv("c2", "p1", 16, 3, 1, 1, 1, 1, Clip.RELU).maxPool("p2", "c2", 2, 2)
                .reshape("r", "p2", 0, -1).gemm("fc1", "r", 32, Clip.RELU).gemm("logits", "fc1", 10, Clip.NONE)
                .build(1);
    }

    /** conv+ReLU6 -> depthwise+ReLU6 -> pointwise+ReLU6 -> strided depthwise+ReLU6 -> GAP -> flatten -> gemm. */
    static IntModel dwsep(IntModelBuilder b) {
        return b.conv("c1", "input", 16, 3, 1, 1, 1, 1, RELU6).conv("dw1", "c1", 16, 3, 1, 1, 1, 16, RELU6)
                .conv("pw", "dw1", 32, 1, 1, 0, 1, 1, RELU6).conv("dw2", "pw", 32, 3, 2, 1, 1, 32, RELU6)
                .globalAvgPool("gap", "dw2").flatten("f", "gap", 1).gemm("logits", "f", 10, Clip.NONE).build(-1);
    }

    /** stem; conv+relu; conv; Add(+relu) with the stem (different scales); strided and dilated convs; avgpool 2x2. */
    static IntModel residual(IntModelBuilder b) {
        return b.conv("stem", "input", 16, 3, 1, 1, 1, 1, Clip.RELU).conv("b1", "stem", 16, 3, 1, 1, 1, 1, Clip.RELU)
                .conv("b2", "b1", 16, 3, 1, 1, 1, 1, Clip.NONE).add("sum", "b2", "stem", Clip.RELU)
                .conv("down", "sum", 32, 3, 2, 1, 1, 1, Clip.RELU).conv("dil", "down", 32, 3, 1, 2, 2, 1, Clip.RELU)
                .avgPool("ap", "dil", 2, 2, 0, false).flatten("f", "ap", 1).gemm("logits", "f", 10, Clip.NONE)
                .build(-1);
    }

    /** Concat of a 3x3 and a 1x1 conv branch (different encodings); x * sigmoid(x); flatten; gemm; softmax. */
    static IntModel zoo(IntModelBuilder b) {
        return b.conv("a", "input", 4, 3, 1, 1, 1, 1, Clip.NONE).conv("b", "input", 4, 1, 1, 0, 1, 1, Clip.NONE)
                .concat("cat", 1, "a", "b").sigmoid("sig", "cat").mul("swish", "cat", "sig").flatten("f", "swish", 1)
                .gemm("logits", "f", 10, Clip.NONE).build(1);
    }

    /** Broadcasting: conv [N,8,8,8] * sigmoid(GAP) [N,8,1,1], + GAP with a clip; padded average pool; gemm. */
    static IntModel gate(IntModelBuilder b) {
        return b.conv("c", "input", 8, 3, 1, 1, 1, 1, Clip.RELU).globalAvgPool("g", "c").sigmoid("s", "g")
                .mul("m", "c", "s").add("a", "m", "g", new Clip(-0.5, 1.5)).avgPool("ap", "a", 3, 1, 1, true)
                .flatten("f", "ap", 1).gemm("logits", "f", 10, Clip.NONE).build(-1);
    }

    /** Gemm+relu -> gemm with a general clip [-2, 3] -> sigmoid -> gemm (rank-2 tensors). */
    static IntModel mlp(IntModelBuilder b) {
        return b.gemm("fc1", "input", 32, Clip.RELU).gemm("fc2", "fc1", 16, new Clip(-2, 3)).sigmoid("sig", "fc2")
                .gemm("logits", "sig", 2, Clip.NONE).build(1);
    }
}
