package io.qforge.engine;

import io.qforge.engine.data.Dataset;
import io.qforge.engine.data.NpzReader;
import io.qforge.engine.graph.Graph;
import io.qforge.engine.onnx.OnnxImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The PyTorch-exported fixtures under src/test/resources/fixtures (see its README.md). */
public final class Fixtures {
    public static final Path DIR = Path.of("src/test/resources/fixtures");

    /** A fixture model and the dataset it was trained on. */
    public record Model(String name, String dataset, int classes) {
        public Path file() {
            return DIR.resolve(name + ".onnx");
        }

        public byte[] bytes() {
            try {
                return Files.readAllBytes(file());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Graph graph() {
            return OnnxImporter.load(bytes());
        }

        public Dataset data() {
            return Fixtures.dataset(dataset);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final Model LENET = new Model("lenet_bn", "digits", 10);
    public static final Model LENET_OPSET11 = new Model("lenet_bn_opset11", "digits", 10);
    public static final Model DWSEP = new Model("dwsep_relu6", "digits", 10);
    public static final Model RESNET = new Model("resnet_add", "digits", 10);
    public static final Model MLP = new Model("mlp", "breast_cancer", 2);
    public static final Model OPS_ZOO = new Model("ops_zoo", "digits", 10);

    public static List<Model> all() {
        return List.of(LENET, LENET_OPSET11, DWSEP, RESNET, MLP, OPS_ZOO);
    }

    public static Dataset dataset(String name) {
        return NpzReader.read(DIR.resolve(name + ".npz"));
    }

    private Fixtures() {
    }
}
