package io.qforge.engine.data.ingest;

/**
 * How images become samples.
 *
 * @param channels 1 (grayscale, ITU-R 601 luma) or 3 (RGB); null = the first image's (1 when it is
 *     grayscale, else 3)
 * @param height target height (with {@code width}: every image is resized, bilinear); null = keep
 *     the size, which must then be the same for every image
 * @param width target width, given together with {@code height}
 * @param mean per-channel mean for standardization of the 0-1 values ({@code (v/255 - mean) / std},
 *     stored as float32); null = unit scaling (stored as uint8, read as v/255)
 * @param std per-channel standard deviation, given with {@code mean}, every value > 0
 * @param testFraction share of the images for the test split when the zip has no test folder
 * @param seed the split's shuffle seed
 */
public record ImageOptions(Integer channels, Integer height, Integer width, float[] mean, float[] std,
                           double testFraction, long seed) {
    public ImageOptions {
        if (channels != null && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        if ((height == null) != (width == null) || (height != null && (height < 1 || width < 1))) {
            throw new IllegalArgumentException("height and width go together and must be >= 1");
        }
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("mean and std go together");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), was " + testFraction);
        }
    }

    boolean standardize() {
        return mean != null;
    }
}
