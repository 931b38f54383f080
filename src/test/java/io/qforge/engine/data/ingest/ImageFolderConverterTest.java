package io.qforge.engine.data.ingest;

import static io.qforge.support.DatasetFiles.image;
import static io.qforge.support.DatasetFiles.jpeg;
import static io.qforge.support.DatasetFiles.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.support.DatasetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image-folder zips to the canonical .npz: layouts, channels, resizing, scaling; hostile zips and images refused. */
class ImageFolderConverterTest {
    @TempDir
    Path dir;

    private static final ImageOptions KEEP = new ImageOptions(null, null, null, null, null, 0.25, 0);

    private Converted convert(Map<String, byte[]> entries, ImageOptions options) throws IOException {
        Path zip = Files.write(dir.resolve("imgs.zip"), DatasetFiles.zip(entries));
        return ImageFolderConverter.convert(zip, "'imgs.zip'", options, dir, dir.resolve("out.npz"), IngestLimits.DEFAULT);
    }

    private Dataset read() {
        return NpzReader.read(dir.resolve("out.npz"));
    }

    @Test
    void trainAndTestFoldersOfPngAndJpegInThreeClasses() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("data/train/cat/1.png", png(image(4, 3, true, 10)));
        e.put("data/train/cat/2.jpg", jpeg(image(4, 3, false, 20)));
        e.put("data/train/dog/a.PNG", png(image(4, 3, true, 30)));
        e.put("data/train/emu/x.jpeg", jpeg(image(4, 3, true, 40)));
        e.put("data/test/dog/b.png", png(image(4, 3, true, 50)));
        e.put("data/test/cat/c.png", png(image(4, 3, true, 60)));
        e.put("data/.DS_Store", new byte[] {1, 2});
        e.put("__MACOSX/data/train/cat/._1.png", new byte[] {3});
        var c = convert(e, KEEP);
        assertThat(c.classNames()).containsExactly("cat", "dog", "emu");
        assertThat(c.trainSamples()).isEqualTo(4);
        assertThat(c.testSamples()).isEqualTo(2);
        assertThat(c.conversion()).containsEntry("channels", 1).containsEntry("height", 3).containsEntry("width", 4)
                .containsEntry("scaling", "unit").doesNotContainKey("testFraction");
        Dataset d = read();
        assertThat(d.xTrain().shape()).containsExactly(4, 1, 3, 4);
        assertThat(d.yTrain()).containsExactly(0, 0, 1, 2); // name order: cat/1, cat/2, dog/a, emu/x
        assertThat(d.yTest()).containsExactly(0, 1); // test/cat/c, test/dog/b
        // a gray PNG keeps its exact values: pixel (x, y) = (x + 4y + seed) / 255
        assertThat(d.xTrain().getFloat(0, 0, 1, 2)).isEqualTo((2 + 4 + 10) / 255f);
        assertThat(d.xTest().getFloat(1, 0, 2, 3)).isEqualTo((3 + 8 + 50) / 255f);
        // the RGB JPEG became gray (luma of a lossy image: close, not exact)
        int v = 1 + 4 * 1 + 20;
        double luma = 0.299 * v + 0.587 * (255 - v) + 0.114 * 20;
        assertThat(d.xTrain().getFloat(1, 0, 1, 1) * 255.0).isCloseTo(luma, org.assertj.core.data.Offset.offset(12.0));
    }

    @Test
    void classFoldersOnlyAreSplitWithTheSeedAndResizedToRgbStandardized() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            e.put("ant/" + i + ".png", png(image(6, 6, false, i)));
            e.put("bee/" + i + ".png", png(image(8, 4, false, 100 + i)));
        }
        var options = new ImageOptions(3, 2, 3, new float[] {0.5f}, new float[] {0.25f, 0.5f, 1f}, 0.25, 3);
        var c = convert(e, options);
        assertThat(c.classNames()).containsExactly("ant", "bee");
        assertThat(c.trainSamples()).isEqualTo(6);
        assertThat(c.testSamples()).isEqualTo(2);
        assertThat(c.conversion()).containsEntry("channels", 3).containsEntry("height", 2).containsEntry("width", 3)
                .containsEntry("resized", true).containsEntry("scaling", "standardize").containsEntry("seed", 3L);
        Dataset d = read();
        assertThat(d.xTrain().shape()).containsExactly(6, 3, 2, 3);
        // blue of every pixel of image seed s is s: (s / 255 - 0.5) / 1 after bilinear resizing of a constant plane
        int[] all = new int[] {0, 1, 2, 3, 100, 101, 102, 103};
        var blues = new java.util.TreeSet<Float>();
        for (int i = 0; i < 6; i++) blues.add(d.xTrain().getFloat(i, 2, 1, 2));
        for (int i = 0; i < 2; i++) blues.add(d.xTest().getFloat(i, 2, 0, 0));
        var expected = new java.util.TreeSet<Float>();
        for (int s : all) expected.add((s / 255f - 0.5f) / 1f);
        assertThat(blues).isEqualTo(expected);
    }

    @Test
    void bilinearResizeOfAKnownImage() {
        var p = new ImageDecoding.Planes(1, 2, 2, new byte[][] {{0, (byte) 100, (byte) 200, (byte) 255}});
        var up = ImageDecoding.resize(p, 4, 4);
        // corners keep their values, the centre of the four is their mean (rounded)
        assertThat(up.planes()[0][0] & 0xFF).isEqualTo(0);
        assertThat(up.planes()[0][15] & 0xFF).isEqualTo(255);
        assertThat(up.planes()[0][5] & 0xFF).isEqualTo(Math.round(0 * 0.5625f + 100 * 0.1875f + 200 * 0.1875f + 255 * 0.0625f));
    }

    private SourceException refused(Map<String, byte[]> entries, ImageOptions options) {
        return catchThrowableOfType(SourceException.class, () -> convert(entries, options));
    }

    @Test
    void badLayoutsAndImagesAreRefusedNamingTheEntry() {
        Map<String, byte[]> deep = new LinkedHashMap<>();
        deep.put("train/cat/1.png", png(image(2, 2, true, 0)));
        deep.put("train/dog/1.png", png(image(2, 2, true, 0)));
        deep.put("train/dog/sub/2.png", png(image(2, 2, true, 0)));
        assertThat(refused(deep, KEEP)).hasMessageStartingWith("'imgs.zip': 'train/dog/sub/2.png' is not where images go");

        Map<String, byte[]> unknown = new LinkedHashMap<>();
        unknown.put("train/cat/1.png", png(image(2, 2, true, 0)));
        unknown.put("train/dog/1.png", png(image(2, 2, true, 0)));
        unknown.put("test/horse/1.png", png(image(2, 2, true, 0)));
        assertThat(refused(unknown, KEEP)).hasMessage("'imgs.zip': the class folder test/horse/ has no train/horse/;"
                + " every test class needs training images");

        Map<String, byte[]> notImage = new LinkedHashMap<>();
        notImage.put("cat/1.png", png(image(2, 2, true, 0)));
        notImage.put("dog/notes.txt", "hi".getBytes());
        assertThat(refused(notImage, KEEP)).hasMessage("'imgs.zip': 'dog/notes.txt' is not a .png, .jpg or .jpeg file");

        Map<String, byte[]> one = Map.of("cat/1.png", png(image(2, 2, true, 0)), "cat/2.png", png(image(2, 2, true, 0)));
        assertThat(refused(one, KEEP)).hasMessageContaining("has 1 class folder(s) [cat]; a classification dataset needs at least 2");

        Map<String, byte[]> sizes = new LinkedHashMap<>();
        sizes.put("cat/1.png", png(image(2, 2, true, 0)));
        sizes.put("dog/1.png", png(image(3, 2, true, 0)));
        assertThat(refused(sizes, KEEP)).hasMessage("'imgs.zip': 'dog/1.png' is 3x2 (width x height) but 'cat/1.png' is"
                + " 2x2; give height and width to resize every image");

        Map<String, byte[]> fake = new LinkedHashMap<>();
        fake.put("cat/1.png", png(image(2, 2, true, 0)));
        fake.put("dog/1.png", "GIF89a not really".getBytes());
        assertThat(refused(fake, KEEP)).hasMessage("'imgs.zip': 'dog/1.png' is neither a PNG nor a JPEG (by its first bytes)");

        Map<String, byte[]> broken = new LinkedHashMap<>();
        broken.put("cat/1.png", png(image(2, 2, true, 0)));
        byte[] half = png(image(20, 20, false, 3));
        broken.put("dog/1.png", java.util.Arrays.copyOf(half, half.length / 2));
        assertThat(refused(broken, KEEP)).hasMessageStartingWith("'imgs.zip': 'dog/1.png' is not a readable PNG");

        Map<String, byte[]> dotdot = new LinkedHashMap<>();
        dotdot.put("cat/1.png", png(image(2, 2, true, 0)));
        dotdot.put("../../dog/1.png", png(image(2, 2, true, 0)));
        assertThat(refused(dotdot, KEEP)).hasMessage("'imgs.zip': the entry '../../dog/1.png' has a '..' path segment");
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeDecoding() {
        Map<String, byte[]> bomb = new LinkedHashMap<>();
        bomb.put("cat/1.png", png(image(2, 2, true, 0)));
        bomb.put("dog/1.png", DatasetFiles.pngDeclaring(100_000, 100_000));
        assertThat(refused(bomb, KEEP)).hasMessage("'imgs.zip': 'dog/1.png' declares 100000x100000 = 10000000000 pixels,"
                + " more than 16777216 (qforge.datasets.max-image-pixels); it was not decoded");
    }

    @Test
    void imageCountAndSizeLimits() throws IOException {
        var tight = new IngestLimits(IngestLimits.DEFAULT.arrays(), 1L << 30, 3, 16, 200, 10, 10, 10, 10);
        Map<String, byte[]> e = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            e.put("a/" + i + ".png", png(image(2, 2, true, i)));
            e.put("b/" + i + ".png", png(image(2, 2, true, i)));
        }
        Path zip = Files.write(dir.resolve("many.zip"), DatasetFiles.zip(e));
        assertThat(catchThrowableOfType(SourceException.class, () -> ImageFolderConverter.convert(zip, "'many.zip'",
                KEEP, dir, dir.resolve("m.npz"), tight))).hasMessage("'many.zip' holds 6 zip entries; at most 3 are"
                + " accepted (qforge.datasets.max-images)");
        Path big = Files.write(dir.resolve("big.zip"), DatasetFiles.zip(Map.of("a/1.png", png(image(2, 2, true, 0)),
                "b/1.png", png(image(30, 30, false, 1)))));
        assertThat(catchThrowableOfType(SourceException.class, () -> ImageFolderConverter.convert(big, "'big.zip'",
                KEEP, dir, dir.resolve("b.npz"), tight))).hasMessageContaining("'b/1.png' declares")
                .hasMessageContaining("(qforge.datasets.max-image-bytes)");
    }
}
