package io.qforge.engine.data.ingest;

import io.qforge.engine.data.DatasetException;

/**
 * A dataset source cannot be converted. {@link #field()} names what is wrong as the upload names
 * it: a multipart part ({@code train_images}, {@code file}) or an option ({@code labelColumn}).
 */
public class SourceException extends DatasetException {
    private final String field;

    public SourceException(String field, String message) {
        super(message);
        this.field = field;
    }

    public SourceException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
