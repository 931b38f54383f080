package io.qforge.engine.data.ingest;

import io.qforge.engine.data.InflatedBudget;
import io.qforge.engine.data.InflatedBytesExceeded;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;

/**
 * A CSV table (UTF-8, plain or gzipped; one row per sample) to the canonical archive: one label
 * column (default: the last one that is not the split column), every other column (but an optional split column) a numeric feature, stored as float32
 * {@code [N, features]}.
 *
 * <p>Labels: when every label cell is a non-negative whole number ({@code 3}, {@code 3.0}) it is
 * the class index; otherwise each distinct label text is a class, numbered in sorted text order,
 * and the names are kept. Every feature cell must be a finite number within float32's range; the
 * first that is not is reported by line, column name and index. Rows are parsed once: features go
 * to a raw file on disk as they are read, labels stay in memory (one int per row).
 */
public final class CsvConverter {
    private CsvConverter() {
    }

    public static Converted convert(Path csv, String fileName, CsvOptions options, Path workDir, Path npz,
            IngestLimits limits) throws IOException {
        var budget = new InflatedBudget(limits.arrays().maxInflatedBytes(), fileName);
        try (InputStream raw = Files.newInputStream(csv);
             InputStream plain = new java.io.BufferedInputStream(budget.wrap(GzipSniff.maybeInflate(raw), fileName),
                     1 << 16)) {
            var records = new CsvRecords(plain, fileName, limits.maxCsvCellChars(), limits.maxCsvColumns());
            return convert(records, fileName, options, workDir, npz, limits);
        } catch (InflatedBytesExceeded e) {
            throw new SourceException("file", e.getMessage() + " (qforge.uploads.max-inflated-bytes)", e);
        } catch (ZipException | java.io.EOFException e) {
            throw new SourceException("file", fileName + " starts like gzip but is not valid gzip: " + e.getMessage(), e);
        }
    }

    private static Converted convert(CsvRecords records, String fileName, CsvOptions options, Path workDir, Path npz,
            IngestLimits limits) throws IOException {
        List<String> first = records.next();
        if (first == null) {
            throw new SourceException("file", fileName + " holds no rows");
        }
        int firstLine = records.line();
        List<String> second = records.next();
        int secondLine = records.line();
        boolean header = options.header() != null ? options.header() : looksLikeHeader(first, second);
        List<String> names = header ? first : null;
        int columns = first.size();
        if (columns < 2) {
            throw new SourceException("file", fileName + ": line " + firstLine + " has " + columns
                    + " cell; a dataset CSV needs a label column and at least one feature column");
        }
        int split = options.splitColumn() == null ? -1
                : column(options.splitColumn(), names, columns, "splitColumn", fileName, -1);
        // default: the last column that is not the split column
        int label = column(options.labelColumn(), names, columns, "labelColumn", fileName,
                split == columns - 1 ? columns - 2 : columns - 1);
        if (split == label) {
            throw new SourceException("splitColumn", "splitColumn and labelColumn name the same column (index " + label + ")");
        }
        int features = columns - 1 - (split >= 0 ? 1 : 0);
        int[] featureColumns = new int[features];
        for (int c = 0, k = 0; c < columns; c++) {
            if (c != label && c != split) {
                featureColumns[k++] = c;
            }
        }
        Map<String, Integer> texts = new LinkedHashMap<>();
        String tooMany = fileName + " has more than " + limits.maxCsvRows() + " data rows (qforge.datasets.max-csv-rows)";
        try (var spool = new SampleSpool(workDir, "<f4", new long[] {features}, limits.maxCsvRows(), tooMany)) {
            var row = new Row(fileName, names, featureColumns, label, split, columns, spool, texts, limits.maxClasses());
            if (!header) {
                row.add(first, firstLine);
            }
            if (second != null) {
                row.add(second, secondLine);
            }
            for (List<String> r; (r = records.next()) != null; ) {
                row.add(r, records.line());
            }
            if (spool.count() == 0) {
                throw new SourceException("file", fileName + " holds a header but no data rows");
            }
            Labels labels = Labels.of(new ArrayList<>(texts.keySet()), limits.maxClasses(), fileName);
            var written = spool.writeNpz(npz, options.testFraction(), options.seed(), labels.relabel(),
                    limits.arrays(), limits.maxOutputBytes());
            Map<String, Object> conversion = new LinkedHashMap<>();
            conversion.put("header", header);
            conversion.put("labelColumn", names != null ? names.get(label) : String.valueOf(label));
            conversion.put("features", features);
            if (split >= 0) {
                conversion.put("splitColumn", names != null ? names.get(split) : String.valueOf(split));
            } else {
                conversion.put("testFraction", options.testFraction());
                conversion.put("seed", options.seed());
            }
            return new Converted("csv", labels.names(), conversion, written.train(), written.test());
        }
    }

    /** A header when some cell of the first row is not a number while the same cell of the second row is. */
    static boolean looksLikeHeader(List<String> first, List<String> second) {
        if (second == null) {
            return false;
        }
        for (int i = 0; i < Math.min(first.size(), second.size()); i++) {
            if (number(first.get(i)) == null && number(second.get(i)) != null) {
                return true;
            }
        }
        return false;
    }

    /** The column an option names: a header name first, else an index (negative from the end). */
    private static int column(String option, List<String> names, int columns, String field, String fileName, int dflt) {
        if (option == null) {
            return dflt;
        }
        if (names != null) {
            int at = names.indexOf(option);
            if (at >= 0) {
                if (names.lastIndexOf(option) != at) {
                    throw new SourceException(field, fileName + ": the header names column '" + option + "' twice");
                }
                return at;
            }
        }
        try {
            int i = Integer.parseInt(option.strip());
            int at = i < 0 ? columns + i : i;
            if (at >= 0 && at < columns) {
                return at;
            }
        } catch (NumberFormatException ignored) {
            // not an index: reported below
        }
        throw new SourceException(field, fileName + " has no column '" + option + "'" + (names != null
                ? "; its header has " + shortList(names) : "; it has no header and " + columns + " columns (index 0.."
                + (columns - 1) + ", or negative from the end)"));
    }

    private static String shortList(List<String> names) {
        var shown = names.size() <= 12 ? names : names.subList(0, 12);
        return shown + (names.size() > 12 ? " and " + (names.size() - 12) + " more" : "");
    }

    /** A finite float32 value, or null when the cell is not one. */
    static Float number(String cell) {
        String s = cell.strip();
        if (s.isEmpty() || !(Character.isDigit(s.charAt(s.length() - 1)) || s.endsWith("."))) {
            return null; // also refuses NaN, Infinity and Java's 1.0f / 1d suffixes
        }
        try {
            double d = Double.parseDouble(s);
            if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
                return null;
            }
            return (float) d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Reads data rows into the spool. */
    private static final class Row {
        private final String fileName;
        private final List<String> names;
        private final int[] features;
        private final int label;
        private final int split;
        private final int columns;
        private final SampleSpool spool;
        private final Map<String, Integer> texts;
        private final int maxClasses;
        private final ByteBuffer sample;

        Row(String fileName, List<String> names, int[] features, int label, int split, int columns, SampleSpool spool,
                Map<String, Integer> texts, int maxClasses) {
            this.fileName = fileName;
            this.names = names;
            this.features = features;
            this.label = label;
            this.split = split;
            this.columns = columns;
            this.spool = spool;
            this.texts = texts;
            this.maxClasses = maxClasses;
            this.sample = ByteBuffer.allocate(features.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        }

        void add(List<String> cells, int line) throws IOException {
            if (cells.size() != columns) {
                throw new SourceException("file", fileName + ": line " + line + " has " + cells.size() + " cells but "
                        + (names != null ? "the header has " : "the first row has ") + columns);
            }
            sample.clear();
            for (int c : features) {
                Float v = number(cells.get(c));
                if (v == null) {
                    throw new SourceException("file", fileName + ": line " + line + ", column " + name(c) + ": '"
                            + Archives.shorten(cells.get(c)) + "' is not a finite number (features must be numeric)");
                }
                sample.putFloat(v);
            }
            String text = cells.get(label).strip();
            if (text.isEmpty()) {
                throw new SourceException("file", fileName + ": line " + line + ", column " + name(label)
                        + " (the label) is empty");
            }
            Integer id = texts.get(text);
            if (id == null) {
                if (texts.size() == maxClasses) {
                    throw new SourceException("file", fileName + ": line " + line + " brings the label column "
                            + name(label) + " to more than " + maxClasses + " distinct values (qforge.datasets.max-classes)");
                }
                id = texts.size();
                texts.put(text, id);
            }
            SampleSpool.Split where = SampleSpool.Split.EITHER;
            if (split >= 0) {
                String s = cells.get(split).strip();
                if (s.equalsIgnoreCase("train")) {
                    where = SampleSpool.Split.TRAIN;
                } else if (s.equalsIgnoreCase("test")) {
                    where = SampleSpool.Split.TEST;
                } else {
                    throw new SourceException("splitColumn", fileName + ": line " + line + ", column " + name(split)
                            + ": '" + Archives.shorten(s) + "' is neither 'train' nor 'test'");
                }
            }
            spool.add(sample.array(), id, where);
        }

        private String name(int c) {
            return (names != null ? "'" + Archives.shorten(names.get(c)) + "' " : "") + "(index " + c + ")";
        }
    }

    /** Label texts (first-seen order) -> class indices, and the class names when the labels are not numbers. */
    record Labels(int[] relabel, List<String> names) {
        static Labels of(List<String> texts, int maxClasses, String fileName) {
            int[] relabel = new int[texts.size()];
            boolean numeric = true;
            for (int i = 0; i < texts.size() && numeric; i++) {
                Float v = number(texts.get(i));
                numeric = v != null && v >= 0 && v == Math.rint(v) && v < Integer.MAX_VALUE;
                if (numeric) {
                    relabel[i] = (int) (float) v;
                }
            }
            if (numeric) {
                for (int i = 0; i < texts.size(); i++) {
                    if (relabel[i] >= maxClasses) {
                        throw new SourceException("labelColumn", fileName + " has the label " + texts.get(i)
                                + "; numeric labels are class indices below " + maxClasses + " (qforge.datasets.max-classes)");
                    }
                }
                return new Labels(relabel, null);
            }
            List<String> sorted = new ArrayList<>(texts);
            sorted.sort(null);
            for (int i = 0; i < texts.size(); i++) {
                relabel[i] = java.util.Collections.binarySearch(sorted, texts.get(i));
            }
            return new Labels(relabel, List.copyOf(sorted));
        }
    }
}
