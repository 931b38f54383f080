package io.qforge.engine.data;

/**
 * A {@code .npy} array of numpy's object dtype ({@code 'O'}): its data is a Python pickle, which
 * qforge never loads (unpickling runs code). Refused wherever it appears in an archive, even in an
 * array qforge would otherwise ignore.
 */
public class PickledArrayException extends DatasetException {

    public PickledArrayException(String message) {
        super(message);
    }
}
