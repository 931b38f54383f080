package io.qforge.engine.data;

/**
 * A dataset could not be read or does not fit the model. The message always names the array or
 * file that is wrong (for example {@code x_train} or {@code train-images-idx3-ubyte.gz}) and says
 * what is wrong and what is allowed, so it can be shown to the user as is.
 */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
