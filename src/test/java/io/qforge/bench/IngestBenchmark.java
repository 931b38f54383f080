package io.qforge.bench;

import io.qforge.engine.data.DatasetLimits;
import io.qforge.engine.data.NpzScanner;
import io.qforge.engine.data.ingest.CsvConverter;
import io.qforge.engine.data.ingest.CsvOptions;
import io.qforge.engine.data.ingest.IdxConverter;
import io.qforge.engine.data.ingest.ImageFolderConverter;
import io.qforge.engine.data.ingest.ImageOptions;
import io.qforge.engine.data.ingest.IngestLimits;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Upload conversion throughput (bench/ingest.sh): Fashion-MNIST's four IDX .gz files, the same
 * training images as a zip of PNG class folders, and a synthetic CSV, each converted to the
 * canonical .npz and checked by the upload scanner. Run with a small heap to show the conversion
 * does not hold the dataset in memory. Prints one JSON line per case.
 */
public final class IngestBenchmark {
    public static void main(String[] args) throws Exception {
        Path fm = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        Path dir = Files.createTempDirectory("qforge-ingest-bench-");
        var limits = IngestLimits.DEFAULT;

        var parts = new EnumMap<IdxConverter.Role, IdxConverter.Part>(IdxConverter.Role.class);
        parts.put(IdxConverter.Role.TRAIN_IMAGES, part(fm, "train-images-idx3-ubyte.gz"));
        parts.put(IdxConverter.Role.TRAIN_LABELS, part(fm, "train-labels-idx1-ubyte.gz"));
        parts.put(IdxConverter.Role.TEST_IMAGES, part(fm, "t10k-images-idx3-ubyte.gz"));
        parts.put(IdxConverter.Role.TEST_LABELS, part(fm, "t10k-labels-idx1-ubyte.gz"));
        long input = 0;
        for (var p : parts.values()) input += Files.size(p.file());
        Path idxNpz = dir.resolve("idx.npz");
        long t0 = System.nanoTime();
        var idx = IdxConverter.fromParts(parts, dir, idxNpz, limits);
        report("idx (4 .gz parts)", input, idx.trainSamples() + idx.testSamples(), "samples", t0, idxNpz);

        Path zip = pngZip(fm, images, dir.resolve("fashion-png.zip"));
        Path imgNpz = dir.resolve("images.npz");
        t0 = System.nanoTime();
        var img = ImageFolderConverter.convert(zip, "'fashion-png.zip'", new ImageOptions(1, null, null, null, null, 0.2, 0),
                dir, imgNpz, limits);
        report("image-folder (PNG 28x28 gray)", Files.size(zip), img.trainSamples() + img.testSamples(), "images", t0, imgNpz);

        Path csv = csv(dir.resolve("table.csv"), rows, 50);
        Path csvNpz = dir.resolve("csv.npz");
        t0 = System.nanoTime();
        var table = CsvConverter.convert(csv, "'table.csv'", new CsvOptions(null, true, null, 0.2, 0), dir, csvNpz, limits);
        report("csv (50 float columns + label)", Files.size(csv), table.trainSamples() + table.testSamples(), "rows", t0,
                csvNpz);
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static void report(String what, long inputBytes, long count, String unit, long t0, Path npz) throws Exception {
        double seconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        NpzScanner.scan(npz, "npz", DatasetLimits.DEFAULT);
        double scan = (System.nanoTime() - t1) / 1e9;
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "{\"case\":\"%s\",\"input_bytes\":%d,\"%s\":%d,\"convert_s\":%.2f,"
                + "\"%s_per_s\":%.0f,\"input_mb_per_s\":%.1f,\"npz_bytes\":%d,\"scan_s\":%.2f,\"max_heap_mb\":%d}%n",
                what, inputBytes, unit, count, seconds, unit, count / seconds, inputBytes / seconds / 1e6,
                Files.size(npz), scan, rt.maxMemory() >> 20);
    }

    private static IdxConverter.Part part(Path dir, String name) {
        return new IdxConverter.Part("'" + name + "'", dir.resolve(name));
    }

    /** The first {@code n} training images as train/<label>/<i>.png (80%) and test/<label>/<i>.png. */
    private static Path pngZip(Path fm, int n, Path out) throws Exception {
        try (InputStream imgs = new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(
                fm.resolve("train-images-idx3-ubyte.gz")))));
             InputStream labels = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(
                     fm.resolve("train-labels-idx1-ubyte.gz"))));
             var zip = new ZipOutputStream(Files.newOutputStream(out))) {
            imgs.skipNBytes(16);
            labels.skipNBytes(8);
            var img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            byte[] pixels = new byte[784];
            for (int i = 0; i < n; i++) {
                imgs.readNBytes(pixels, 0, 784);
                img.getRaster().setDataElements(0, 0, 28, 28, pixels);
                var png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                zip.putNextEntry(new ZipEntry((i % 5 == 0 ? "test/" : "train/") + labels.read() + "/" + i + ".png"));
                zip.write(png.toByteArray());
                zip.closeEntry();
            }
        }
        return out;
    }

    private static Path csv(Path out, int rows, int cols) throws Exception {
        var random = new java.util.SplittableRandom(0);
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            for (int c = 0; c < cols; c++) w.write("f" + c + ",");
            w.write("label\n");
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    w.write(Float.toString((float) random.nextGaussian()));
                    w.write(',');
                }
                w.write("class" + random.nextInt(10));
                w.write('\n');
            }
        }
        return out;
    }
}
