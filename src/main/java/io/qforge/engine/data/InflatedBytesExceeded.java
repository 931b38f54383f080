package io.qforge.engine.data;

/**
 * Checking an archive inflated more bytes than {@link DatasetLimits#maxInflatedBytes()} allows (a
 * zip bomb, or simply a dataset too large to check). Counted from the decompressor's output.
 */
public class InflatedBytesExceeded extends DatasetException {
    private final long limit;

    public InflatedBytesExceeded(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    /** The budget that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
