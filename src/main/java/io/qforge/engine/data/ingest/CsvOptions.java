package io.qforge.engine.data.ingest;

/**
 * How to read a CSV.
 *
 * @param labelColumn the label column: a header name, or a 0-based index (negative counts from the
 *     end); null = the last column
 * @param header true, false, or null = decide from the first two rows (a header when a cell of the
 *     first row is not a number while the same cell of the second row is)
 * @param splitColumn a column whose cells say {@code train} or {@code test} for each row; null =
 *     a seeded split with {@code testFraction}
 * @param testFraction share of rows for the test split when there is no split column, in (0, 1)
 * @param seed the split's shuffle seed
 */
public record CsvOptions(String labelColumn, Boolean header, String splitColumn, double testFraction, long seed) {
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    public CsvOptions {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), was " + testFraction);
        }
    }
}
