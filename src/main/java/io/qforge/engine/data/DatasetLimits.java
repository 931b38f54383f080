package io.qforge.engine.data;

/**
 * Upper bounds a reader enforces from the headers, before it allocates or reads any data, so that a
 * hostile or mistaken upload (a header announcing 10^12 elements, a zip bomb) fails fast.
 *
 * @param maxElementsPerArray the most elements one array may hold
 * @param maxTotalBytes the most data bytes (as stored in the file, before conversion) all arrays
 *     read for one dataset may hold together
 * @param maxInflatedBytes the most bytes a check of one archive may inflate, counted as they come
 *     out of the decompressor (all entries together; the zip's declared sizes are not trusted)
 * @param maxZipEntries the most entries an archive may hold (counted from the central directory
 *     signatures in the file before the directory is loaded; a .npz normally holds 4)
 */
public record DatasetLimits(long maxElementsPerArray, long maxTotalBytes, long maxInflatedBytes, int maxZipEntries) {

    /** Default inflated-bytes budget: 4 GiB. */
    public static final long DEFAULT_MAX_INFLATED_BYTES = 4L << 30;
    /** Default most zip entries per archive. */
    public static final int DEFAULT_MAX_ZIP_ENTRIES = 1000;

    /** 200 million elements per array, 2 GiB of data in all: Fashion-MNIST (47M bytes) fits easily. */
    public static final DatasetLimits DEFAULT = new DatasetLimits(200_000_000L, 2L << 30);

    /** Limits with the {@link #DEFAULT_MAX_INFLATED_BYTES default} inflated-bytes budget. */
    public DatasetLimits(long maxElementsPerArray, long maxTotalBytes) {
        this(maxElementsPerArray, maxTotalBytes, DEFAULT_MAX_INFLATED_BYTES);
    }

    /** Limits with the {@link #DEFAULT_MAX_ZIP_ENTRIES default} entry count. */
    public DatasetLimits(long maxElementsPerArray, long maxTotalBytes, long maxInflatedBytes) {
        this(maxElementsPerArray, maxTotalBytes, maxInflatedBytes, DEFAULT_MAX_ZIP_ENTRIES);
    }

    /** One array is read into one buffer, which Java caps at 2^31 - 1 bytes. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    public DatasetLimits {
        if (maxElementsPerArray <= 0) {
            throw new IllegalArgumentException("maxElementsPerArray must be > 0, was " + maxElementsPerArray);
        }
        if (maxTotalBytes <= 0) {
            throw new IllegalArgumentException("maxTotalBytes must be > 0, was " + maxTotalBytes);
        }
        if (maxInflatedBytes <= 0) {
            throw new IllegalArgumentException("maxInflatedBytes must be > 0, was " + maxInflatedBytes);
        }
        if (maxZipEntries <= 0) {
            throw new IllegalArgumentException("maxZipEntries must be > 0, was " + maxZipEntries);
        }
    }

    /** Throws if one array of {@code elements} elements taking {@code bytes} bytes is too large. */
    public void checkArray(String name, long elements, long bytes) {
        if (elements > maxElementsPerArray) {
            throw new DatasetException(name + " has " + elements + " elements, more than the limit of "
                    + maxElementsPerArray + " elements per array");
        }
        // inputs may be widened to FLOAT (uint8 -> 4 bytes per element), and one buffer holds one array
        if (bytes > MAX_ARRAY_BYTES || elements > MAX_ARRAY_BYTES / Float.BYTES) {
            throw new DatasetException(name + " has " + elements + " elements of " + bytes / Math.max(1, elements)
                    + " bytes; as one in-memory array (FLOAT for inputs) it would exceed " + MAX_ARRAY_BYTES
                    + " bytes");
        }
    }

    /** Throws if the data read so far, {@code totalBytes} including {@code name}, is too large. */
    public void checkTotal(String name, long totalBytes) {
        if (totalBytes > maxTotalBytes) {
            throw new DatasetException("reading " + name + " brings the dataset to " + totalBytes
                    + " bytes of data, more than the limit of " + maxTotalBytes + " bytes");
        }
    }
}
