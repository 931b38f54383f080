package io.qforge.engine.data.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.support.DatasetFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV to the canonical .npz: header or not, label column by name or index, label texts as classes, splits; bad tables refused by line and column. */
class CsvConverterTest {
    @TempDir
    Path dir;

    private static final String IRIS = """
            sepal_length,sepal_width,species
            5.1,3.5,setosa
            4.9,3.0,setosa
            7.0,3.2,versicolor
            6.4,3.2,versicolor
            6.3,3.3,virginica
            5.8,2.7,virginica
            5.0,3.6,setosa
            6.9,3.1,versicolor
            7.1,3.0,virginica
            5.5,2.3,versicolor
            """;

    private Converted convert(String csv, CsvOptions options, String npz) throws IOException {
        Path file = Files.writeString(dir.resolve(npz + ".csv"), csv);
        return CsvConverter.convert(file, "'" + npz + ".csv'", options, dir, dir.resolve(npz), IngestLimits.DEFAULT);
    }

    private static CsvOptions options(String label, Boolean header) {
        return new CsvOptions(label, header, null, 0.2, 0);
    }

    @Test
    void aHeaderAndTextLabelsBecomeSortedClassNamesAndASeededSplit() throws IOException {
        var c = convert(IRIS, options(null, null), "iris.npz");
        assertThat(c.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(c.trainSamples()).isEqualTo(8);
        assertThat(c.testSamples()).isEqualTo(2);
        assertThat(c.conversion()).containsEntry("header", true).containsEntry("labelColumn", "species")
                .containsEntry("features", 2).containsEntry("testFraction", 0.2).containsEntry("seed", 0L);
        Dataset d = NpzReader.read(dir.resolve("iris.npz"));
        assertThat(d.xTrain().shape()).containsExactly(8, 2);
        // every row is kept once, with its label: sum of each feature and the label counts are unchanged
        double sumTrain = d.xTrain().sumNumber().doubleValue() + d.xTest().sumNumber().doubleValue();
        assertThat(sumTrain).isCloseTo(5.1 + 3.5 + 4.9 + 3.0 + 7.0 + 3.2 + 6.4 + 3.2 + 6.3 + 3.3 + 5.8 + 2.7 + 5.0 + 3.6
                + 6.9 + 3.1 + 7.1 + 3.0 + 5.5 + 2.3, org.assertj.core.data.Offset.offset(1e-4));
        int[] counts = new int[3];
        for (int y : d.yTrain()) counts[y]++;
        for (int y : d.yTest()) counts[y]++;
        assertThat(counts).containsExactly(3, 4, 3);
        for (int i = 0; i < d.trainSize(); i++) { // a row's label travels with its features
            float first = d.xTrain().getFloat(i, 0);
            String species = first == 5.1f || first == 4.9f || first == 5.0f ? "setosa"
                    : first == 7.0f || first == 6.4f || first == 6.9f || first == 5.5f ? "versicolor" : "virginica";
            assertThat(c.classNames().get(d.yTrain()[i])).as("row starting %s", first).isEqualTo(species);
        }

        // the same seed gives the same split, another seed another one
        convert(IRIS, options(null, null), "again.npz");
        assertThat(NpzReader.read(dir.resolve("again.npz")).yTest()).containsExactly(d.yTest());
        assertThat(Files.readAllBytes(dir.resolve("again.npz"))).isEqualTo(Files.readAllBytes(dir.resolve("iris.npz")));
        convert(IRIS, new CsvOptions(null, null, null, 0.2, 7), "other.npz");
        assertThat(Files.readAllBytes(dir.resolve("other.npz"))).isNotEqualTo(Files.readAllBytes(dir.resolve("iris.npz")));
    }

    @Test
    void noHeaderNumericLabelsByIndexAndASplitColumnGzipped() throws IOException {
        String csv = "1,0.5,-2,train\r\n0,1.5,3e2,train\r\n\r\n2,\"2.5\",4,test\r\n1,3.5,5,TRAIN\r\n";
        Path file = Files.write(dir.resolve("t.csv.gz"), DatasetFiles.gzip(csv.getBytes(StandardCharsets.UTF_8)));
        var c = CsvConverter.convert(file, "'t.csv.gz'", new CsvOptions("0", null, "-1", 0.2, 0), dir,
                dir.resolve("t.npz"), IngestLimits.DEFAULT);
        assertThat(c.classNames()).isNull();
        assertThat(c.conversion()).containsEntry("header", false).containsEntry("labelColumn", "0")
                .containsEntry("splitColumn", "3").doesNotContainKey("testFraction");
        Dataset d = NpzReader.read(dir.resolve("t.npz"));
        assertThat(d.yTrain()).containsExactly(1, 0, 1);
        assertThat(d.yTest()).containsExactly(2);
        assertThat(d.xTrain().toFloatMatrix()).isEqualTo(new float[][] {{0.5f, -2f}, {1.5f, 300f}, {3.5f, 5f}});
        assertThat(d.xTest().toFloatMatrix()).isEqualTo(new float[][] {{2.5f, 4f}});
    }

    @Test
    void quotedCellsAndALabelColumnByName() throws IOException {
        String csv = "city,\"x, first\",y\n\"New York, NY\",1,2\n\"Paris\",3,4\n\"New York, NY\",5,6\nParis,7,8\n";
        var c = convert(csv, new CsvOptions("city", true, null, 0.5, 0), "q.npz");
        assertThat(c.classNames()).containsExactly("New York, NY", "Paris");
        assertThat(c.trainSamples()).isEqualTo(2);
        assertThat(c.testSamples()).isEqualTo(2);
    }

    private SourceException refused(String csv, CsvOptions options) {
        return catchThrowableOfType(SourceException.class, () -> convert(csv, options, "bad.npz"));
    }

    @Test
    void badTablesAreRefusedByLineAndColumn() {
        var ragged = refused("a,b,label\n1,2,0\n3,4\n5,6,1\n", options(null, null));
        assertThat(ragged).hasMessage("'bad.npz.csv': line 3 has 2 cells but the header has 3");

        var text = refused("a,b,label\n1,2,0\n3,oops,1\n5,6,1\n", options(null, null));
        assertThat(text).hasMessage("'bad.npz.csv': line 3, column 'b' (index 1): 'oops' is not a finite number"
                + " (features must be numeric)");
        assertThat(refused("1,2,0\n3,NaN,1\n", options(null, false)))
                .hasMessageContaining("line 2, column (index 1): 'NaN' is not a finite number");
        assertThat(refused("1,2,0\n3,1e39,1\n", options(null, false))).hasMessageContaining("'1e39' is not a finite number");

        var label = refused(IRIS, options("kind", null));
        assertThat(label.field()).isEqualTo("labelColumn");
        assertThat(label).hasMessage("'bad.npz.csv' has no column 'kind'; its header has [sepal_length, sepal_width, species]");
        assertThat(refused("1,2,0\n3,4,1\n", options("5", null))).hasMessageContaining("it has no header and 3 columns");

        var split = refused("a,label,s\n1,0,train\n2,1,validation\n", new CsvOptions(null, null, "s", 0.2, 0));
        assertThat(split.field()).isEqualTo("splitColumn");
        assertThat(split).hasMessage("'bad.npz.csv': line 3, column 's' (index 2): 'validation' is neither 'train' nor 'test'");

        assertThat(refused("a,label\n1,0\n", options(null, null)))
                .hasMessageContaining("1 training and 0 test samples; it needs at least one of each");
        assertThat(refused("a,label\n\"1,0\n", options(null, null)))
                .hasMessageContaining("the quoted cell starting on line 2 is never closed");
        assertThat(refused("", options(null, null))).hasMessage("'bad.npz.csv' holds no rows");
        assertThat(refused("a,label\n1," + "x".repeat(2000) + "\n", options(null, null)))
                .hasMessageContaining("longer than 1000 characters (qforge.datasets.max-csv-cell-chars)");
    }

    @Test
    void utf8IsDecodedStrictlyAndABadByteIsReportedOnItsLine() throws IOException {
        var c = convert("\uFEFFx,animal\n1,\uD83D\uDC31 cat\n2,\u00e9l\u00e9phant\n3,\uD83D\uDC31 cat\n4,\u00e9l\u00e9phant\n",
                options(null, null), "u.npz");
        assertThat(c.classNames()).containsExactly("\u00e9l\u00e9phant", "\uD83D\uDC31 cat");
        byte[] bad = {'x', ',', 'y', '\n', '1', ',', '0', '\n', '2', ',', (byte) 0xC3, '(', '\n'};
        Path file = Files.write(dir.resolve("bad.csv"), bad);
        assertThat(catchThrowableOfType(SourceException.class, () -> CsvConverter.convert(file, "'bad.csv'",
                options(null, null), dir, dir.resolve("b.npz"), IngestLimits.DEFAULT)))
                .hasMessage("'bad.csv': line 3 is not valid UTF-8 text");
        byte[] overlong = {'x', ',', 'y', '\n', '1', ',', (byte) 0xC0, (byte) 0xAF, '\n'};
        Path file2 = Files.write(dir.resolve("overlong.csv"), overlong);
        assertThat(catchThrowableOfType(SourceException.class, () -> CsvConverter.convert(file2, "'overlong.csv'",
                options(null, null), dir, dir.resolve("o.npz"), IngestLimits.DEFAULT)))
                .hasMessage("'overlong.csv': line 2 is not valid UTF-8 text");
    }

    @Test
    void rowColumnAndClassLimits() throws IOException {
        var tight = new IngestLimits(IngestLimits.DEFAULT.arrays(), 1L << 30, 10, 100, 100, 3, 3, 100, 2);
        Path many = Files.writeString(dir.resolve("many.csv"), "1,0\n2,1\n3,0\n4,1\n");
        assertThat(catchThrowableOfType(SourceException.class, () -> CsvConverter.convert(many, "'many.csv'",
                options(null, false), dir, dir.resolve("m.npz"), tight)))
                .hasMessage("'many.csv' has more than 3 data rows (qforge.datasets.max-csv-rows)");
        Path wide = Files.writeString(dir.resolve("wide.csv"), "1,2,3,4,0\n");
        assertThat(catchThrowableOfType(SourceException.class, () -> CsvConverter.convert(wide, "'wide.csv'",
                options(null, false), dir, dir.resolve("w.npz"), tight)))
                .hasMessage("'wide.csv': line 1 has more than 3 cells (qforge.datasets.max-csv-columns)");
        Path classes = Files.writeString(dir.resolve("c.csv"), "1,a\n2,b\n3,c\n");
        assertThat(catchThrowableOfType(SourceException.class, () -> CsvConverter.convert(classes, "'c.csv'",
                options(null, false), dir, dir.resolve("c.npz"), tight)))
                .hasMessageContaining("line 3 brings the label column (index 1) to more than 2 distinct values");
    }
}
