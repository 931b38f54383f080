package io.qforge.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DatasetValidatorTest {

    private static final long[] MODEL = {-1, 1, 8, 8};

    private static INDArray x(long n, long... sample) {
        long[] shape = new long[sample.length + 1];
        shape[0] = n;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return Nd4j.rand(DataType.FLOAT, shape);
    }

    private static int[] y(int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return y;
    }

    private static Dataset valid() {
        return new Dataset(x(20, 1, 8, 8), y(20, 10), x(5, 1, 8, 8), y(5, 10));
    }

    @Test
    void acceptsADatasetThatFitsTheModel() {
        assertThatCode(() -> DatasetValidator.validate(valid(), MODEL, 10)).doesNotThrowAnyException();
        // dynamic dimensions (<= 0) other than batch accept any size; a fixed batch size is not checked
        assertThatCode(() -> DatasetValidator.validate(valid(), new long[] {1, 1, -1, 0}, 10))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesASampleShapeThatDiffersFromTheModelInput() {
        Dataset ds = new Dataset(x(20, 1, 28, 28), y(20, 10), x(5, 1, 28, 28), y(5, 10));
        assertThatThrownBy(() -> DatasetValidator.validate(ds, MODEL, 10)).isInstanceOf(DatasetException.class)
                .hasMessage("x_train sample shape [1, 28, 28] does not match the model input shape [-1, 1, 8, 8] "
                        + "(expected [1, 8, 8] per sample)");
        Dataset flat = new Dataset(x(20, 64), y(20, 10), x(5, 64), y(5, 10));
        assertThatThrownBy(() -> DatasetValidator.validate(flat, MODEL, 10))
                .hasMessageStartingWith("x_train sample shape [64] does not match");
        Dataset testOff = new Dataset(x(20, 1, 8, 8), y(20, 10), x(5, 1, 8, 9), y(5, 10));
        assertThatThrownBy(() -> DatasetValidator.validate(testOff, MODEL, 10))
                .hasMessageStartingWith("x_test sample shape [1, 8, 9] does not match");
        assertThatThrownBy(() -> DatasetValidator.validate(testOff, new long[] {-1, 1, -1, -1}, 10))
                .hasMessage("x_test sample shape [1, 8, 9] differs from x_train sample shape [1, 8, 8]");
    }

    @Test
    void refusesLabelsOutsideTheModelOutputs() {
        int[] yTrain = y(20, 10);
        yTrain[17] = 12;
        Dataset ds = new Dataset(x(20, 1, 8, 8), yTrain, x(5, 1, 8, 8), y(5, 10));
        assertThatThrownBy(() -> DatasetValidator.validate(ds, MODEL, 10))
                .hasMessage("y_train[17] = 12 is outside 0..9 (the model has 10 outputs)");
        int[] yTest = y(5, 10);
        yTest[3] = -1;
        Dataset neg = new Dataset(x(20, 1, 8, 8), y(20, 10), x(5, 1, 8, 8), yTest);
        assertThatThrownBy(() -> DatasetValidator.validate(neg, MODEL, 10))
                .hasMessage("y_test[3] = -1 is outside 0..9 (the model has 10 outputs)");
    }

    @Test
    void reportsTheFirstNaNOrInfinityByFlatIndex() {
        Dataset ds = valid();
        ds.xTest().putScalar(new long[] {1, 0, 2, 3}, Float.NaN); // flat index 64 + 2 * 8 + 3 = 83
        ds.xTest().putScalar(new long[] {4, 0, 0, 0}, Float.POSITIVE_INFINITY);
        assertThatThrownBy(() -> DatasetValidator.validate(ds, MODEL, 10))
                .hasMessage("x_test contains NaN at flat index 83 (sample 1)");
        Dataset inf = valid();
        inf.xTrain().putScalar(new long[] {19, 0, 7, 7}, Float.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> DatasetValidator.validate(inf, MODEL, 10))
                .hasMessage("x_train contains -Inf at flat index 1279 (sample 19)");
    }

    @Test
    void refusesEmptyArraysAndLengthMismatches() {
        Dataset empty = new Dataset(Nd4j.create(DataType.FLOAT, 0, 1, 8, 8), new int[0], x(5, 1, 8, 8), y(5, 10));
        assertThatThrownBy(() -> DatasetValidator.validate(empty, MODEL, 10))
                .hasMessage("x_train is empty (shape [0, 1, 8, 8]); it needs at least one sample");
        Dataset mismatch = new Dataset(x(20, 1, 8, 8), y(19, 10), x(5, 1, 8, 8), y(5, 10));
        assertThatThrownBy(() -> DatasetValidator.validate(mismatch, MODEL, 10))
                .hasMessage("y_train has 19 labels but x_train has 20 samples");
    }

    @Test
    void acceptsLargeFiniteValuesWhoseSumOverflows() {
        Dataset ds = valid();
        ds.xTrain().assign(3e38f);
        assertThat(ds.xTrain().sumNumber().doubleValue()).as("ND4J sums FLOAT in float").isInfinite();
        assertThatCode(() -> DatasetValidator.validate(ds, MODEL, 10)).doesNotThrowAnyException();
    }

    @Test
    void finitenessCheckLocatesTheLastElementOfAFashionMnistSizedArray() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 60000, 1, 28, 28);
        big.putScalar(new long[] {59999, 0, 27, 27}, Float.NaN);
        Dataset ds = new Dataset(big, y(60000, 10), x(5, 1, 28, 28), y(5, 10));
        long start = System.nanoTime();
        assertThatThrownBy(() -> DatasetValidator.validate(ds, new long[] {-1, 1, 28, 28}, 10))
                .hasMessage("x_train contains NaN at flat index 47039999 (sample 59999)");
        System.out.println("DatasetValidator: 47M elements, NaN located in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        big.putScalar(new long[] {59999, 0, 27, 27}, 0.5f);
        start = System.nanoTime();
        DatasetValidator.validate(ds, new long[] {-1, 1, 28, 28}, 10);
        System.out.println("DatasetValidator: 47M finite elements validated in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
