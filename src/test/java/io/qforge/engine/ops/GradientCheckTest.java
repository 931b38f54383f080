package io.qforge.engine.ops;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The checker itself must catch a wrong backward. */
class GradientCheckTest {

    /** y = x^2 with a backward that forgets the factor 2 on one element. */
    private static final class AlmostSquare implements Op {
        @Override
        public INDArray[] forward(INDArray[] inputs, OpContext ctx) {
            return new INDArray[] {inputs[0].mul(inputs[0])};
        }

        @Override
        public INDArray[] backward(INDArray[] inputs, INDArray[] outputs, INDArray[] gradOutputs, OpContext ctx) {
            INDArray g = gradOutputs[0].mul(inputs[0]).muli(2);
            g.putScalar(3, g.getDouble(3) * (1 + 1e-4));
            return new INDArray[] {g};
        }
    }

    @Test
    void detectsAWrongGradient() {
        INDArray x = TestArrays.uniform(1, 0.5, 1, 2, 3);
        assertThatThrownBy(() -> GradientCheck.check("wrong", new AlmostSquare(), new INDArray[] {x}, 0))
                .isInstanceOf(AssertionError.class).hasMessageContaining("gradient error of input 0");
    }
}
