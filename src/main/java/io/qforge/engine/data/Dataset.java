package io.qforge.engine.data;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classification dataset in memory: inputs as FLOAT arrays of shape {@code [N, ...sample shape]}
 * and labels as class indices.
 *
 * <p>The arrays are held as given, not copied: do not modify them. Consistency with a model (shape,
 * label range, finiteness, matching lengths) is checked by {@link DatasetValidator}, not here.
 */
public final class Dataset {

    private final INDArray xTrain;
    private final int[] yTrain;
    private final INDArray xTest;
    private final int[] yTest;

    public Dataset(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest) {
        this.xTrain = requireFloat(xTrain, "x_train");
        this.yTrain = Objects.requireNonNull(yTrain, "y_train");
        this.xTest = requireFloat(xTest, "x_test");
        this.yTest = Objects.requireNonNull(yTest, "y_test");
    }

    private static INDArray requireFloat(INDArray x, String name) {
        Objects.requireNonNull(x, name);
        if (x.dataType() != DataType.FLOAT) {
            throw new DatasetException(name + " has data type " + x.dataType() + "; a Dataset holds FLOAT inputs");
        }
        if (x.rank() < 1) {
            throw new DatasetException(name + " is a scalar; expected shape [N, ...sample shape]");
        }
        return x;
    }

    public INDArray xTrain() {
        return xTrain;
    }

    public int[] yTrain() {
        return yTrain;
    }

    public INDArray xTest() {
        return xTest;
    }

    public int[] yTest() {
        return yTest;
    }

    /** The shape of one training sample: x_train's shape without its first dimension. */
    public long[] sampleShape() {
        long[] shape = xTrain.shape();
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Largest label in y_train and y_test plus one (0 when both are empty). */
    public int numClasses() {
        int max = -1;
        for (int y : yTrain) {
            max = Math.max(max, y);
        }
        for (int y : yTest) {
            max = Math.max(max, y);
        }
        return max + 1;
    }

    /** Number of training samples (x_train's first dimension). */
    public int trainSize() {
        return (int) xTrain.size(0);
    }

    /** Number of test samples (x_test's first dimension). */
    public int testSize() {
        return (int) xTest.size(0);
    }

    @Override
    public String toString() {
        return "Dataset[x_train=" + Arrays.toString(xTrain.shape()) + ", y_train=" + yTrain.length + ", x_test="
                + Arrays.toString(xTest.shape()) + ", y_test=" + yTest.length + "]";
    }
}
