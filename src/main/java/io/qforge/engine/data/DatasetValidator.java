package io.qforge.engine.data;

import java.util.Arrays;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks that a {@link Dataset} fits a model before any training starts, so that a user learns in
 * one precise message what is wrong with the upload instead of a shape error deep in a job:
 *
 * <ol>
 *   <li>x_train and x_test are not empty;
 *   <li>y_train / y_test have as many labels as x_train / x_test have samples;
 *   <li>the sample shape (x's shape without its first dimension) equals the model input shape
 *       without its batch dimension; a model dimension {@code <= 0} is dynamic and accepts any
 *       size; the batch dimension itself is never checked; x_test's sample shape equals x_train's;
 *   <li>every label lies in {@code 0..numOutputs-1};
 *   <li>every input is finite (the first NaN or infinity is reported by flat index and sample).
 * </ol>
 */
public final class DatasetValidator {

    private DatasetValidator() {
    }

    /**
     * @param modelInputShape the model input shape including the batch dimension, e.g.
     *     {@code [-1, 1, 28, 28]}; dimensions {@code <= 0} are dynamic
     * @param numOutputs number of classes the model predicts (its output width)
     * @throws DatasetException naming the first array that does not fit
     */
    public static void validate(Dataset ds, long[] modelInputShape, int numOutputs) {
        if (numOutputs < 1) {
            throw new IllegalArgumentException("numOutputs must be >= 1, was " + numOutputs);
        }
        if (modelInputShape.length < 1) {
            throw new IllegalArgumentException("modelInputShape must include the batch dimension, was []");
        }
        requireSamples(ds.xTrain(), "x_train");
        requireSamples(ds.xTest(), "x_test");
        requireSameLength(ds.xTrain(), "x_train", ds.yTrain(), "y_train");
        requireSameLength(ds.xTest(), "x_test", ds.yTest(), "y_test");
        requireShape(ds.xTrain(), "x_train", modelInputShape);
        requireShape(ds.xTest(), "x_test", modelInputShape);
        long[] trainSample = sampleShape(ds.xTrain());
        long[] testSample = sampleShape(ds.xTest());
        if (!Arrays.equals(trainSample, testSample)) {
            throw new DatasetException("x_test sample shape " + Arrays.toString(testSample)
                    + " differs from x_train sample shape " + Arrays.toString(trainSample));
        }
        requireLabelRange(ds.yTrain(), "y_train", numOutputs);
        requireLabelRange(ds.yTest(), "y_test", numOutputs);
        requireFinite(ds.xTrain(), "x_train");
        requireFinite(ds.xTest(), "x_test");
    }

    private static void requireSamples(INDArray x, String name) {
        if (x.isEmpty() || x.size(0) == 0) {
            throw new DatasetException(name + " is empty (shape " + Arrays.toString(x.shape())
                    + "); it needs at least one sample");
        }
    }

    private static void requireSameLength(INDArray x, String xName, int[] y, String yName) {
        if (x.size(0) != y.length) {
            throw new DatasetException(yName + " has " + y.length + " labels but " + xName + " has " + x.size(0)
                    + " samples");
        }
    }

    private static void requireShape(INDArray x, String name, long[] modelInputShape) {
        long[] sample = sampleShape(x);
        long[] expected = Arrays.copyOfRange(modelInputShape, 1, modelInputShape.length);
        boolean fits = sample.length == expected.length;
        for (int i = 0; fits && i < sample.length; i++) {
            fits = expected[i] <= 0 || expected[i] == sample[i];
        }
        if (!fits) {
            throw new DatasetException(name + " sample shape " + Arrays.toString(sample)
                    + " does not match the model input shape " + Arrays.toString(modelInputShape) + " (expected "
                    + Arrays.toString(expected).replace("-1", "any") + " per sample)");
        }
    }

    private static void requireLabelRange(int[] y, String name, int numOutputs) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= numOutputs) {
                throw new DatasetException(name + "[" + i + "] = " + y[i] + " is outside 0.." + (numOutputs - 1)
                        + " (the model has " + numOutputs + " outputs)");
            }
        }
    }

    /**
     * Every element finite. Fast path: by IEEE 754 a sum containing a NaN or an infinity is NaN or
     * infinite, so a finite sum (one parallel ND4J reduction) proves every element finite. Otherwise
     * a plain scan of the float buffer in C order (no copy for a dense C-order array) finds the
     * first NaN or infinity and reports it by flat index and sample; none found means the sum only
     * overflowed.
     */
    static void requireFinite(INDArray x, String name) {
        if (x.length() == 0 || Double.isFinite(x.sumNumber().doubleValue())) {
            return;
        }
        INDArray c = x.ordering() == 'c' && !x.isView() && x.dataType() == DataType.FLOAT ? x
                : x.castTo(DataType.FLOAT).dup('c');
        FloatBuffer values = c.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        long n = c.length();
        for (int i = 0; i < n; i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                long sampleSize = Math.max(1, n / Math.max(1, c.size(0)));
                throw new DatasetException(name + " contains " + (Float.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf")
                        + " at flat index " + i + " (sample " + i / sampleSize + ")");
            }
        }
    }

    private static long[] sampleShape(INDArray x) {
        long[] shape = x.shape();
        return Arrays.copyOfRange(shape, 1, shape.length);
    }
}
