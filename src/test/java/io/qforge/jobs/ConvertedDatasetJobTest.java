package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.DatasetLimits;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.data.ingest.CsvConverter;
import io.qforge.engine.data.ingest.CsvOptions;
import io.qforge.engine.data.ingest.ImageFolderConverter;
import io.qforge.engine.data.ingest.ImageOptions;
import io.qforge.engine.data.ingest.IngestLimits;
import io.qforge.support.DatasetFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real jobs (the engine, not the scripted one) on datasets converted from the forms users have:
 * the fixtures' digits written as PNG class folders, and breast_cancer written as a CSV with text
 * labels. The conversion must hand the engine the same data: the CSV's arrays equal the .npz's
 * exactly, and on both the FP32 model scores as PyTorch scored it on the .npz (fixtures.json; the
 * PNG digits are rounded to 8 bits, which may change a few predictions).
 */
class ConvertedDatasetJobTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    Path work;

    private Map<String, Object> run(String model, Path dataset) throws Exception {
        JobSpec spec = new JobSpec(8, 8, JobSpec.Granularity.PER_CHANNEL, JobSpec.Symmetry.ASYMMETRIC,
                JobSpec.Observer.MOVING_AVERAGE_MIN_MAX, 4, false, 0, 1e-4, JobSpec.Schedule.COSINE,
                JobSpec.Optimizer.ADAM, 0.9, 0, 64, -1, -1, 0);
        JobRun.ProgressSink sink = new JobRun.ProgressSink() {
            @Override
            public void phase(JobPhase phase) {
            }

            @Override
            public void step(int epoch, int totalEpochs, int step, int stepsPerEpoch) {
            }

            @Override
            public void epoch(int epoch, int totalEpochs, Map<String, Double> metrics) {
            }

            @Override
            public void checkStop() {
            }
        };
        Path dir = Files.createTempDirectory(work, "job-");
        var runner = new EngineJobRunner(JsonMapper.builder().build(), DatasetLimits.DEFAULT, Duration.ofHours(1),
                Clock.systemUTC());
        return runner.run(new JobRun(UUID.randomUUID(), FIXTURES.resolve(model), dataset, spec, Optional.empty(), sink,
                (epoch, file) -> { }, dir)).report();
    }

    @SuppressWarnings("unchecked")
    private static double fp32Accuracy(Map<String, Object> report) {
        return ((Number) ((Map<String, Object>) report.get("fp32")).get("accuracy")).doubleValue();
    }

    @Test
    void digitsAsPngClassFoldersScoreTheModelAsTheNpzDoes() throws Exception {
        Dataset digits = NpzReader.read(FIXTURES.resolve("digits.npz"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        add(entries, "train", digits.xTrain(), digits.yTrain());
        add(entries, "test", digits.xTest(), digits.yTest());
        Path zip = Files.write(work.resolve("digits.zip"), DatasetFiles.zip(entries));
        Path npz = work.resolve("digits-from-png.npz");
        var converted = ImageFolderConverter.convert(zip, "'digits.zip'", new ImageOptions(1, null, null, null, null,
                0.2, 0), work, npz, IngestLimits.DEFAULT);
        assertThat(converted.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        Dataset back = NpzReader.read(npz);
        assertThat(back.yTest()).containsExactlyInAnyOrder(digits.yTest());
        // digits are k/16; 8-bit pixels hold them to within half a step of 1/255
        assertThat(back.xTest().sumNumber().doubleValue()).isCloseTo(digits.xTest().sumNumber().doubleValue(),
                org.assertj.core.data.Offset.offset(digits.xTest().length() * 0.5 / 255));

        double fromPng = fp32Accuracy(run("lenet_bn.onnx", npz));
        // PyTorch's accuracy on the .npz (fixtures.json); the same 360 test images rounded to 8 bits
        // change at most a few predictions
        assertThat(fromPng).isCloseTo(torchAccuracy("lenet_bn"), org.assertj.core.data.Offset.offset(3.0 / 360));
    }

    @Test
    void breastCancerAsCsvWithTextLabelsGivesTheSameArraysAndTheSameJob() throws Exception {
        Dataset cancer = NpzReader.read(FIXTURES.resolve("breast_cancer.npz"));
        var csv = new StringBuilder();
        for (int f = 0; f < 30; f++) csv.append("feature ").append(f).append(',');
        csv.append("diagnosis,split\n");
        rows(csv, cancer.xTrain().toFloatMatrix(), cancer.yTrain(), "train");
        rows(csv, cancer.xTest().toFloatMatrix(), cancer.yTest(), "test");
        Path file = Files.writeString(work.resolve("cancer.csv"), csv);
        Path npz = work.resolve("cancer-from-csv.npz");
        var converted = CsvConverter.convert(file, "'cancer.csv'", new CsvOptions("diagnosis", true, "split", 0.2, 0),
                work, npz, IngestLimits.DEFAULT);
        assertThat(converted.classNames()).containsExactly("class 0", "class 1");
        Dataset back = NpzReader.read(npz);
        assertThat(back.xTrain()).isEqualTo(cancer.xTrain());
        assertThat(back.xTest()).isEqualTo(cancer.xTest());
        assertThat(back.yTrain()).containsExactly(cancer.yTrain());
        assertThat(back.yTest()).containsExactly(cancer.yTest());
        // the same arrays: the engine's FP32 accuracy is PyTorch's on the .npz (fixtures.json), to one sample
        assertThat(fp32Accuracy(run("mlp.onnx", npz))).isCloseTo(torchAccuracy("mlp"),
                org.assertj.core.data.Offset.offset(1.0 / cancer.testSize()));
    }

    private static double torchAccuracy(String model) throws java.io.IOException {
        var manifest = JsonMapper.builder().build().readTree(Files.readString(FIXTURES.resolve("fixtures.json")));
        for (var m : manifest.path("models")) {
            if (model.equals(m.path("name").asString())) {
                return m.path("torch_test_accuracy").asDouble();
            }
        }
        throw new IllegalStateException("no " + model + " in fixtures.json");
    }

    private static void rows(StringBuilder csv, float[][] x, int[] y, String split) {
        for (int i = 0; i < x.length; i++) {
            for (float v : x[i]) csv.append(v).append(',');
            csv.append("class ").append(y[i]).append(',').append(split).append('\n');
        }
    }

    private static void add(Map<String, byte[]> entries, String split, org.nd4j.linalg.api.ndarray.INDArray x, int[] y) {
        for (int i = 0; i < y.length; i++) {
            var img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    img.getRaster().setSample(c, r, 0, Math.round(x.getFloat(i, 0, r, c) * 255));
                }
            }
            entries.put(split + "/" + y[i] + "/" + String.format("%04d.png", i), DatasetFiles.png(img));
        }
    }
}
