package io.qforge.api;

import static io.qforge.support.DatasetFiles.gzip;
import static io.qforge.support.DatasetFiles.idxImages;
import static io.qforge.support.DatasetFiles.idxLabels;
import static io.qforge.support.DatasetFiles.image;
import static io.qforge.support.DatasetFiles.jpeg;
import static io.qforge.support.DatasetFiles.png;
import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.DatasetFiles;
import io.qforge.support.Http;
import io.qforge.support.Http.Part;
import io.qforge.support.ServiceTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Datasets as users have them, over HTTP: IDX (four parts, or one tar.gz), CSV and image-folder
 * zips are converted at upload, summarized (shapes, classes, class names, source) and usable by a
 * job, whose report carries the class names; bad files and bad fields get a 4xx naming the file,
 * part or field and the problem.
 */
class DatasetFormatsApiTest extends ServiceTest {
    private static final int[] TRAIN_LABELS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1};
    private static final int[] TEST_LABELS = {9, 8, 7, 6};

    private static List<Part> idxParts() {
        return List.of(Part.file("train_images", "train-images-idx3-ubyte.gz", gzip(idxImages(12, 8, 8, 1))),
                Part.file("train_labels", "train-labels-idx1-ubyte", idxLabels(TRAIN_LABELS)),
                Part.file("test_images", "t10k-images-idx3-ubyte", idxImages(4, 8, 8, 2)),
                Part.file("test_labels", "t10k-labels-idx1-ubyte.gz", gzip(idxLabels(TEST_LABELS))));
    }

    /** Uploads lenet_bn.onnx (input [-1, 1, 8, 8], 10 classes); runs a job on the dataset with the scripted engine. */
    private JsonNode runJob(Http api, String datasetId) {
        String model = api.upload("/v1/models", "lenet_bn.onnx", fixture("lenet_bn.onnx")).json().get("id").stringValue();
        var job = api.postJson("/v1/jobs", jobBody(model, datasetId, "{\"epochs\": 1}"));
        assertThat(job.status()).as(job.text()).isEqualTo(202);
        String id = job.json().get("id").stringValue();
        assertThat(workers.runOnce(isolate(id), "w-formats")).isTrue();
        assertThat(api.get("/v1/jobs/" + id).json().get("status").stringValue()).isEqualTo("SUCCEEDED");
        return api.get("/v1/jobs/" + id + "/report").json();
    }

    @Test
    void idxAsFourPartsIsConvertedSummarizedAndRunsAJob() {
        var api = newTenant();
        var res = api.multipart("/v1/datasets", idxParts());
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        var d = res.json();
        assertThat(d.get("format").stringValue()).isEqualTo("npz");
        assertThat(d.get("source").get("format").stringValue()).isEqualTo("idx");
        assertThat(d.get("source").get("files").toString()).isEqualTo("[\"train-images-idx3-ubyte.gz\","
                + "\"train-labels-idx1-ubyte\",\"t10k-images-idx3-ubyte\",\"t10k-labels-idx1-ubyte.gz\"]");
        assertThat(d.get("name").stringValue()).isEqualTo("train-images-idx3-ubyte.gz");
        assertThat(d.get("sampleShape").toString()).isEqualTo("[1,8,8]");
        assertThat(d.get("classes").intValue()).isEqualTo(10);
        assertThat(d.get("trainSamples").longValue()).isEqualTo(12);
        assertThat(d.get("testSamples").longValue()).isEqualTo(4);
        assertThat(d.get("classNames").isNull()).isTrue();
        assertThat(d.get("conversion").get("scaling").stringValue()).isEqualTo("unit");
        assertThat(api.get("/v1/datasets/" + d.get("id").stringValue()).json().get("source")).isEqualTo(d.get("source"));

        var report = runJob(api, d.get("id").stringValue());
        assertThat(report.has("classNames")).as("no class names for numeric IDX labels").isFalse();
    }

    @Test
    void idxAsOneTarGzWithTheStandardNames() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("fashion/train-images-idx3-ubyte.gz", gzip(idxImages(12, 8, 8, 1)));
        files.put("fashion/train-labels-idx1-ubyte.gz", gzip(idxLabels(TRAIN_LABELS)));
        files.put("fashion/t10k-images-idx3-ubyte.gz", gzip(idxImages(4, 8, 8, 2)));
        files.put("fashion/t10k-labels-idx1-ubyte.gz", gzip(idxLabels(TEST_LABELS)));
        var res = newTenant().upload("/v1/datasets", "fashion.tar.gz", gzip(DatasetFiles.tar(files)));
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        assertThat(res.json().get("source").get("format").stringValue()).isEqualTo("idx");
        assertThat(res.json().get("trainSamples").longValue()).isEqualTo(12);
        assertThat(res.json().get("conversion").get("entries").size()).isEqualTo(4);
    }

    /** 20 rows of 30 features and a text label, like breast_cancer: mlp.onnx takes [30] and predicts 2 classes. */
    private static String cancerCsv() {
        var csv = new StringBuilder();
        for (int f = 0; f < 30; f++) csv.append("f").append(f).append(',');
        csv.append("diagnosis\n");
        for (int r = 0; r < 20; r++) {
            for (int f = 0; f < 30; f++) csv.append((r * 31 + f) % 17 / 4.0).append(',');
            csv.append(r % 3 == 0 ? "malignant" : "benign").append('\n');
        }
        return csv.toString();
    }

    @Test
    void csvWithHeaderAndTextLabelsKeepsClassNamesInTheDatasetAndTheReport() {
        var api = newTenant();
        var res = api.multipart("/v1/datasets", List.of(Part.file("file", "cancer.csv", cancerCsv().getBytes()),
                Part.field("labelColumn", "diagnosis"), Part.field("testFraction", "0.25"), Part.field("seed", "5")));
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        var d = res.json();
        assertThat(d.get("source").get("format").stringValue()).isEqualTo("csv");
        assertThat(d.get("sampleShape").toString()).isEqualTo("[30]");
        assertThat(d.get("classNames").toString()).isEqualTo("[\"benign\",\"malignant\"]");
        assertThat(d.get("classes").intValue()).isEqualTo(2);
        assertThat(d.get("trainSamples").longValue()).isEqualTo(15);
        assertThat(d.get("testSamples").longValue()).isEqualTo(5);
        assertThat(d.get("conversion").get("labelColumn").stringValue()).isEqualTo("diagnosis");
        assertThat(d.get("conversion").get("seed").longValue()).isEqualTo(5);

        String model = api.upload("/v1/models", "mlp.onnx", fixture("mlp.onnx")).json().get("id").stringValue();
        String id = api.postJson("/v1/jobs", jobBody(model, d.get("id").stringValue(), "{\"epochs\": 1}")).json()
                .get("id").stringValue();
        assertThat(workers.runOnce(isolate(id), "w-csv")).isTrue();
        var report = api.get("/v1/jobs/" + id + "/report").json();
        assertThat(report.get("classNames").toString()).isEqualTo("[\"benign\",\"malignant\"]");
    }

    private static Map<String, byte[]> digitsFolder(int width, int height) {
        Map<String, byte[]> e = new LinkedHashMap<>();
        for (String cls : List.of("zero", "one", "two")) {
            for (int i = 0; i < 3; i++) {
                int seed = cls.length() * 10 + i;
                e.put("train/" + cls + "/" + i + (i == 2 ? ".jpg" : ".png"),
                        i == 2 ? jpeg(image(width, height, true, seed)) : png(image(width, height, true, seed)));
            }
            e.put("test/" + cls + "/t.png", png(image(width, height, true, 99)));
        }
        return e;
    }

    @Test
    void anImageFolderZipIsDecodedResizedAndPairedWithTheModel() {
        var api = newTenant();
        var res = api.multipart("/v1/datasets", List.of(Part.file("file", "digits-png.zip",
                DatasetFiles.zip(digitsFolder(16, 12))), Part.field("height", "8"), Part.field("width", "8"),
                Part.field("channels", "1")));
        assertThat(res.status()).as(res.text()).isEqualTo(201);
        var d = res.json();
        assertThat(d.get("source").get("format").stringValue()).isEqualTo("image-folder");
        assertThat(d.get("source").get("files").toString()).isEqualTo("[\"digits-png.zip\"]");
        assertThat(d.get("sampleShape").toString()).isEqualTo("[1,8,8]");
        assertThat(d.get("classNames").toString()).isEqualTo("[\"one\",\"two\",\"zero\"]");
        assertThat(d.get("trainSamples").longValue()).isEqualTo(9);
        assertThat(d.get("testSamples").longValue()).isEqualTo(3);
        assertThat(d.get("arrays").get(0).get("dtype").stringValue()).isEqualTo("uint8");
        var report = runJob(api, d.get("id").stringValue());
        assertThat(report.get("classNames").toString()).isEqualTo("[\"one\",\"two\",\"zero\"]");

        // converted to 3 channels, it no longer fits lenet: the job is refused saying how to upload again
        var rgb = api.multipart("/v1/datasets", List.of(Part.file("file", "rgb.zip", DatasetFiles.zip(digitsFolder(8, 8))),
                Part.field("channels", "3"), Part.field("scaling", "standardize"), Part.field("mean", "0.5,0.5,0.5"),
                Part.field("std", "0.25")));
        assertThat(rgb.status()).as(rgb.text()).isEqualTo(201);
        assertThat(rgb.json().get("sampleShape").toString()).isEqualTo("[3,8,8]");
        assertThat(rgb.json().get("arrays").get(0).get("dtype").stringValue()).isEqualTo("float32");
        String model = api.upload("/v1/models", "lenet_bn.onnx", fixture("lenet_bn.onnx")).json().get("id").stringValue();
        var refused = api.postJson("/v1/jobs", jobBody(model, rgb.json().get("id").stringValue(), "{}"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("message").stringValue()).isEqualTo("the model input 'input'"
                + " takes samples of shape [1, 8, 8] but the dataset's samples have shape [3, 8, 8] (made at upload with"
                + " channels=3, height=8, width=8); upload the images again with channels=1, height=8, width=8");
    }

    private static List<String> errors(Http.Res res) {
        var out = new ArrayList<String>();
        res.json().get("errors").forEach(e -> out.add(e.get("field").stringValue() + " | " + e.get("message").stringValue()));
        return out;
    }

    @Test
    void badFilesOfEveryFormatAre422NamingTheFileAndTheProblem() {
        var api = newTenant();
        var parts = new ArrayList<>(idxParts());
        parts.set(1, Part.file("train_labels", "train-labels-idx1-ubyte", idxLabels(1, 2, 3)));
        var idx = api.multipart("/v1/datasets", parts);
        assertThat(idx.status()).isEqualTo(422);
        assertThat(idx.json().get("detail").stringValue()).startsWith("The idx dataset 'train-labels-idx1-ubyte' cannot be used:");
        assertThat(errors(idx)).containsExactly("train_labels | 'train-labels-idx1-ubyte' (train_labels) holds 3 labels"
                + " but 'train-images-idx3-ubyte.gz' (train_images) holds 12 images");

        var ragged = api.upload("/v1/datasets", "r.csv", "a,b,label\n1,2,0\n3,4\n5,6,1\n".getBytes());
        assertThat(ragged.status()).isEqualTo(422);
        assertThat(ragged.json().get("detail").stringValue()).isEqualTo("The csv dataset 'r.csv' cannot be used: line 3"
                + " has 2 cells but the header has 3");
        var text = api.upload("/v1/datasets", "t.csv", "a,b,label\n1,2,0\n3,x7,1\n".getBytes());
        assertThat(errors(text)).containsExactly("file | 't.csv': line 3, column 'b' (index 1): 'x7' is not a finite"
                + " number (features must be numeric)");

        Map<String, byte[]> bomb = new LinkedHashMap<>(digitsFolder(8, 8));
        bomb.put("train/one/huge.png", DatasetFiles.pngDeclaring(50_000, 50_000));
        var img = api.upload("/v1/datasets", "bomb.zip", DatasetFiles.zip(bomb));
        assertThat(img.status()).isEqualTo(422);
        assertThat(errors(img)).containsExactly("file | 'bomb.zip': 'train/one/huge.png' declares 50000x50000 = 2500000000"
                + " pixels, more than 16777216 (qforge.datasets.max-image-pixels); it was not decoded");

        Map<String, byte[]> unknown = new LinkedHashMap<>(digitsFolder(8, 8));
        unknown.put("test/three/1.png", png(image(8, 8, true, 1)));
        var layout = api.upload("/v1/datasets", "u.zip", DatasetFiles.zip(unknown));
        assertThat(errors(layout)).containsExactly("file | 'u.zip': the class folder test/three/ has no train/three/;"
                + " every test class needs training images");
        assertThat(api.get("/v1/datasets").json().get("total").longValue()).isZero();
    }

    @Test
    void badFieldsAre422PerFieldAndUnknownPartsAre400() {
        var api = newTenant();
        byte[] csv = cancerCsv().getBytes();
        var format = api.multipart("/v1/datasets", List.of(Part.file("file", "c.csv", csv), Part.field("format", "parquet")));
        assertThat(format.status()).isEqualTo(422);
        assertThat(errors(format)).containsExactly("format | must be one of [npz, idx, csv, image-folder], got 'parquet'");

        var many = api.unchecked().multipart("/v1/datasets", List.of(Part.file("file", "c.csv", csv),
                Part.field("channels", "2"), Part.field("testFraction", "1.5"), Part.field("header", "maybe")));
        assertThat(many.status()).isEqualTo(422);
        assertThat(errors(many)).containsExactlyInAnyOrder(
                "channels | channels does not apply to format csv; its options are [header, labelColumn, seed, splitColumn, testFraction]",
                "testFraction | must be a number greater than 0 and less than 1, got '1.5'",
                "header | must be true, false or auto, got 'maybe'");

        var image = api.unchecked().multipart("/v1/datasets", List.of(Part.file("file", "i.zip",
                DatasetFiles.zip(digitsFolder(8, 8))), Part.field("channels", "2"), Part.field("height", "8"),
                Part.field("scaling", "standardize"), Part.field("std", "0")));
        assertThat(errors(image)).containsExactlyInAnyOrder("channels | must be one of [1, 3], got '2'",
                "width | height and width go together (the size every image is resized to)",
                "mean | scaling 'standardize' needs mean and std (1 value, or one per channel, comma-separated)",
                "std | every std value must be > 0, got [0.0]");

        var both = api.multipart("/v1/datasets", List.of(Part.file("file", "c.csv", csv), idxParts().get(0)));
        assertThat(errors(both)).containsExactly("file | send either one 'file' part or the four IDX parts (train_images,"
                + " train_labels, test_images, test_labels), not both");

        var missing = api.multipart("/v1/datasets", idxParts().subList(0, 3));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(errors(missing)).containsExactly("test_labels | the IDX upload has no 'test_labels' part; send"
                + " train_images, train_labels, test_images and test_labels (or one zip/tar of the four files)");

        var unknown = api.unchecked().multipart("/v1/datasets", List.of(Part.file("file", "c.csv", csv),
                Part.field("label_column", "diagnosis")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").stringValue()).startsWith("The request has an unknown field 'label_column';");
    }
}
