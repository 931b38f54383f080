package io.qforge.corpus;

import static io.qforge.engine.onnx.OnnxModels.floatTensor;
import static io.qforge.engine.onnx.OnnxModels.ints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import io.qforge.support.DatasetFiles;
import org.nd4j.shade.protobuf.ByteString;

/**
 * qforge's hostile-upload corpus: one small file per way an uploaded model or dataset can be
 * wrong or malicious, each with the answer the service must give. Generated in Java at test time
 * (CI has no numpy/onnx); nothing here is ever stored inflated (the zip bomb is deflated as it is
 * written, from a stream of zeros).
 *
 * <p>Write the files to a directory (to try them by hand with curl, or with numpy/onnx: the
 * controls load in numpy 1.24 and pass onnx 1.12's checker):
 * <pre>
 *   ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" io.qforge.corpus.HostileCorpus \
 *       target/hostile-corpus /tmp/qforge-canary
 * </pre>
 * (about 60 files, 1 MB; a MANIFEST.tsv lists the expected answers). {@code canaryDir} is where external-data, {@code ..},
 * absolute and symlink entries point; nothing may ever appear there.
 */
public final class HostileCorpus {

    /** One upload and what the service must answer. */
    public record Case(String file, String endpoint, byte[] bytes, int status, String field, String says) {
        @Override
        public String toString() {
            return file;
        }
    }

    public static final String MODELS = "/v1/models";
    public static final String DATASETS = "/v1/datasets";

    private HostileCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/hostile-corpus");
        Path canary = Path.of(args.length > 1 ? args[1] : "/tmp/qforge-canary");
        Files.createDirectories(dir);
        var manifest = new StringBuilder("file\tendpoint\tstatus\tfield\tmessage contains\n");
        for (Case c : cases(canary)) {
            Files.write(dir.resolve(c.file()), c.bytes());
            manifest.append(String.join("\t", c.file(), c.endpoint(), String.valueOf(c.status()),
                    String.valueOf(c.field()), c.says())).append('\n');
        }
        Files.writeString(dir.resolve("MANIFEST.tsv"), manifest);
        System.out.println("wrote " + dir.toAbsolutePath());
    }

    /** Every case; the two controls ({@code status 201}) must be accepted. */
    public static List<Case> cases(Path canaryDir) {
        String canary = canaryDir.resolve("pwned").toString();
        List<Case> c = new ArrayList<>();
        // --- models ---
        c.add(model("control-model.onnx", model(g -> { }), 201, null, ""));
        c.add(model("init-dims-overflow.onnx", model(g -> g.addInitializer(TensorProto.newBuilder().setName("huge")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1L << 32).addDims(1L << 32).addDims(1L << 32))),
                422, "model", "overflows 64 bits"));
        c.add(model("conv-stride-0.onnx", model(g -> setAttr(g, "conv", ints("strides", 0, 0))),
                422, "node:conv", "strides [0, 0] has an entry below 1"));
        c.add(model("conv-pads-larger-than-input.onnx", model(g -> setAttr(g, "conv", ints("pads", 20, 20, 20, 20))),
                422, "node:conv", "larger than the input size 8"));
        c.add(model("conv-output-empty.onnx", model(g -> {
            setAttr(g, "conv", ints("pads", 0, 0, 0, 0));
            setAttr(g, "conv", ints("dilations", 5, 5));
        }), 422, "model", "larger than padded input"));
        c.add(model("conv-strides-wrong-type.onnx", model(g -> setAttr(g, "conv", AttributeProto.newBuilder()
                .setName("strides").setType(AttributeType.STRING).setS(ByteString.copyFromUtf8("1,1")).build())),
                422, "file", "the model could not be read"));
        c.add(model("ir-version-99.onnx", modelProto(g -> { }).toBuilder().setIrVersion(99).build().toByteArray(),
                422, "model", "ir_version 99"));
        c.add(model("no-outputs.onnx", model(g -> g.clearOutput()), 422, "model", "graph has no outputs"));
        c.add(model("weights-nan.onnx", model(g -> replaceInit(g, "w", Float.NaN)), 422, "model",
                "initializer 'w' contains NaN"));
        c.add(model("weights-inf.onnx", model(g -> replaceInit(g, "gemm_b", Float.NEGATIVE_INFINITY)), 422, "model",
                "initializer 'gemm_b' contains -Inf"));
        c.add(model("fold-expansion.onnx", model(g -> {
            Random r = new Random(2);
            g.addInitializer(floats("col", r, 40_000, 1)).addInitializer(floats("row", r, 1, 40_000));
            g.addNode(NodeProto.newBuilder().setOpType("Add").setName("outer").addInput("col").addInput("row")
                    .addOutput("big")); // 1.6 billion elements if folded
        }), 422, "model", "folding its constant inputs would expand them"));
        c.add(model("external-data.onnx", model(g -> {
            TensorProto w = initializer(g, "w");
            g.removeInitializer(indexOf(g, "w"));
            g.addInitializer(w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("/etc/passwd"))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("72")));
            g.addInitializer(TensorProto.newBuilder().setName("extra").setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(canary)));
        }), 422, "model", "stores its data externally"));
        byte[] control = model(g -> { });
        c.add(model("truncated.onnx", java.util.Arrays.copyOf(control, control.length / 2), 422, "file", ""));
        c.add(model("garbage.onnx", garbage(4096, 7), 422, "file", ""));
        c.add(model("empty.onnx", new byte[0], 422, "file", "empty"));
        c.add(model("nested-subgraphs.onnx", nestedSubgraphs(200), 422, "file", ""));
        // --- datasets ---
        c.add(data("control-dataset.npz", npz(z -> { }), 201, null, ""));
        c.add(data("npy-deep-nesting.npz", npz(z -> z.put("x_train.npy", npyHeader(
                "{'descr': '<f4', 'fortran_order': False, 'shape': " + "[".repeat(60_000) + "}"))),
                422, "x_train", "nested deeper than"));
        c.add(data("x-nan.npz", npz(z -> z.put("x_train.npy", floats(new long[] {4, 3}, 5, Float.NaN))),
                422, "x_train", "x_train contains NaN at flat index 5 (sample 1)"));
        c.add(data("x-inf.npz", npz(z -> z.put("x_test.npy", floats(new long[] {2, 3}, 4, Float.POSITIVE_INFINITY))),
                422, "x_test", "x_test contains +Inf at flat index 4"));
        c.add(data("x-empty.npz", npz(z -> {
            z.put("x_train.npy", floats(new long[] {0, 3}, -1, 0));
            z.put("y_train.npy", longs());
        }), 422, "x_train", "holds no values"));
        c.add(data("x-zero-sized-dim.npz", npz(z -> {
            z.put("x_train.npy", floats(new long[] {4, 0}, -1, 0));
            z.put("x_test.npy", floats(new long[] {2, 0}, -1, 0));
        }), 422, "x_train", "holds no values"));
        c.add(data("y-int64-beyond-int32.npz", npz(z -> z.put("y_train.npy", longs(0, 1, 1L << 31, 2))),
                422, "y_train", "y_train[2] = 2147483648 does not fit a 32-bit class index"));
        c.add(data("y-uint64-huge.npz", npz(z -> z.put("y_test.npy", npy("<u8", new long[] {2},
                le(8, -1L, 0L)))), 422, "y_test", "y_test[0] = 18446744073709551615 does not fit"));
        c.add(data("y-float-not-integer.npz", npz(z -> z.put("y_train.npy", npy("<f4", new long[] {4},
                le(4, Float.floatToIntBits(0.5f), 0, 0, 0)))), 422, "y_train", "labels must be integer"));
        c.add(data("x-truncated-array.npz", npz(z -> z.put("x_train.npy", npy("<f4", new long[] {4, 3}, new byte[20]))),
                422, "x_train", "x_train is truncated"));
        c.add(data("y-declares-200M-labels.npz", npz(z -> z.put("y_train.npy", npy("<i8", new long[] {200_000_000},
                le(8, 0, 1, 2, 3)))), 422, "y_train", "y_train is truncated"));
        c.add(data("x-trailing-bytes.npz", npz(z -> z.put("x_test.npy", concat(floats(new long[] {2, 3}, -1, 0),
                new byte[16]))), 422, "x_test", "holds more bytes than its header"));
        c.add(data("zip-bomb.npz", bomb(), 422, "x_train", "qforge.uploads.max-inflated-bytes"));
        c.add(data("zip-size-lie.npz", lieAboutSize(npz(z -> { }), "y_test.npy", 3), 422, "y_test",
                "declares 3 bytes but holds"));
        c.add(data("zip-many-entries.npz", npz(z -> {
            for (int i = 0; i < 1200; i++) {
                z.put("n" + i, new byte[0]);
            }
        }), 422, "file", "zip entries (central directory records); at most 1000"));
        c.add(data("zip-dotdot.npz", npz(z -> z.put("../../" + canaryDir.getFileName() + "/pwned.npy", longs(1))),
                422, "file", "'..' path segment"));
        c.add(data("zip-absolute.npz", npz(z -> z.put(canary + ".npy", longs(1))), 422, "file", "absolute path"));
        c.add(data("zip-symlink.npz", npz(z -> z.symlink("link.npy", canary)), 422, "file", "symbolic link"));
        c.add(data("zip-duplicate.npz", npz(z -> z.duplicate("y_train.npy", longs(0, 0, 0, 0))), 422, "y_train",
                "appears twice"));
        c.add(data("pickled-extra-array.npz", npz(z -> z.put("meta.npy", npy("|O", new long[] {1},
                pickle()))), 422, "file", "pickled arrays are refused"));
        c.add(data("pickled-x-train.npz", npz(z -> z.put("x_train.npy", npy("|O", new long[] {4, 3}, pickle()))),
                422, "x_train", "pickled arrays are refused"));
        c.add(data("npy-garbage.npz", npz(z -> z.put("x_train.npy", garbage(300, 3))), 422, "x_train",
                "not a .npy array"));
        byte[] good = npz(z -> { });
        c.add(data("truncated.npz", java.util.Arrays.copyOf(good, good.length / 2), 422, "file",
                "not a valid .npz (zip) archive"));
        c.add(data("garbage.npz", garbage(4096, 11), 422, "file", "not a valid .npz (zip) archive"));
        c.add(data("empty.npz", new byte[0], 422, "file", "not a valid .npz (zip) archive"));
        // --- CSV, IDX and image-folder uploads (converted at upload; format from the file name) ---
        c.add(data("csv-ragged.csv", "a,b,label\n1,2,0\n3,4\n".getBytes(StandardCharsets.UTF_8), 422, "file",
                "line 3 has 2 cells but the header has 3"));
        c.add(data("csv-not-a-number.csv", "a,b,label\n1,2,0\n3,abc,1\n".getBytes(StandardCharsets.UTF_8), 422,
                "file", "line 3, column 'b' (index 1): 'abc' is not a finite number"));
        c.add(data("csv-gzip-bomb.csv.gz", DatasetFiles.gzipBomb("a,label\n1,".getBytes(StandardCharsets.UTF_8),
                100L << 20, (byte) '7'), 422, "file", "longer than 1000 characters (qforge.datasets.max-csv-cell-chars)"));
        c.add(data("csv-not-utf8.csv", new byte[] {'a', ',', 'b', '\n', '1', ',', (byte) 0xC3, (byte) 0x28, '\n'}, 422,
                "file", "line 2 is not valid UTF-8 text"));
        c.add(data("idx-tar-symlink.tar", DatasetFiles.tar(idxFiles(m -> m.put("t10k-labels-idx1-ubyte", null))), 422,
                "file", "'t10k-labels-idx1-ubyte' is a symbolic link"));
        c.add(data("idx-tar-dotdot.tar", DatasetFiles.tar(idxFiles(m -> m.put("../../" + canaryDir.getFileName()
                + "/t10k-labels-idx1-ubyte", DatasetFiles.idxLabels(1)))), 422, "file", "'..' path segment"));
        c.add(data("idx-gzip-bomb.zip", DatasetFiles.zip(idxFiles(m -> m.put("train-images-idx3-ubyte",
                DatasetFiles.gzipBomb(java.util.Arrays.copyOf(DatasetFiles.idxImages(5, 4, 3, 0), 16), 100L << 20, (byte) 0)))),
                422, "file", "has bytes after the 5 images its header declares"));
        c.add(data("idx-wrong-label-count.tar", DatasetFiles.tar(idxFiles(m -> m.put("train-labels-idx1-ubyte",
                DatasetFiles.idxLabels(0, 1)))), 422, "file", "holds 2 labels but"));
        c.add(data("images-decompression-bomb.zip", zip(images(e -> e.put("train/b/bomb.png",
                DatasetFiles.pngDeclaring(100_000, 100_000)))), 422, "file",
                "declares 100000x100000 = 10000000000 pixels, more than"));
        c.add(data("images-dotdot.zip", zip(images(e -> e.put("../../" + canaryDir.getFileName() + "/pwned.png",
                DatasetFiles.png(DatasetFiles.image(2, 2, true, 0))))), 422, "file", "'..' path segment"));
        c.add(data("images-absolute.zip", zip(images(e -> e.put(canary + ".png",
                DatasetFiles.png(DatasetFiles.image(2, 2, true, 0))))), 422, "file", "has an absolute path"));
        c.add(data("images-symlink.zip", zip(images(e -> e.symlink("train/a/link.png", canary))), 422, "file",
                "is a symbolic link"));
        c.add(data("images-unknown-layout.zip", zip(images(e -> e.put("train/a/deeper/x.png",
                DatasetFiles.png(DatasetFiles.image(2, 2, true, 0))))), 422, "file", "is not where images go"));
        c.add(data("images-unknown-test-class.zip", zip(images(e -> e.put("test/zebra/x.png",
                DatasetFiles.png(DatasetFiles.image(2, 2, true, 0))))), 422, "file",
                "the class folder test/zebra/ has no train/zebra/"));
        c.add(data("images-not-an-image.zip", zip(images(e -> e.put("train/a/x.png", garbage(300, 5)))), 422, "file",
                "is neither a PNG nor a JPEG"));
        return c;
    }

    private static Case model(String file, byte[] bytes, int status, String field, String says) {
        return new Case(file, MODELS, bytes, status, field, says);
    }

    private static Case data(String file, byte[] bytes, int status, String field, String says) {
        return new Case(file, DATASETS, bytes, status, field, says);
    }

    // --- ONNX: x [N,1,8,8] -> Conv(2, 3x3, pad 1) -> Flatten -> Gemm(128 -> 3) ---

    private static byte[] model(Consumer<GraphProto.Builder> mutate) {
        return modelProto(mutate).toByteArray();
    }

    private static ModelProto modelProto(Consumer<GraphProto.Builder> mutate) {
        Random r = new Random(1);
        GraphProto.Builder g = GraphProto.newBuilder().setName("hostile")
                .addInput(valueInfo("x", -1, 1, 8, 8)).addOutput(valueInfo("y", -1, 3))
                .addInitializer(floats("w", r, 2, 1, 3, 3)).addInitializer(floats("b", r, 2))
                .addInitializer(floats("gemm_w", r, 3, 128)).addInitializer(floats("gemm_b", r, 3))
                .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv").addInput("x").addInput("w")
                        .addInput("b").addOutput("c").addAttribute(ints("pads", 1, 1, 1, 1))
                        .addAttribute(ints("kernel_shape", 3, 3)))
                .addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("c").addOutput("f"))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").setName("gemm").addInput("f").addInput("gemm_w")
                        .addInput("gemm_b").addOutput("y").addAttribute(AttributeProto.newBuilder().setName("transB")
                                .setType(AttributeType.INT).setI(1)));
        mutate.accept(g);
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("HostileCorpus")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    /** A model whose If node nests then-branches {@code depth} deep (beyond protobuf's recursion limit). */
    private static byte[] nestedSubgraphs(int depth) {
        GraphProto inner = GraphProto.newBuilder().setName("leaf").build();
        for (int i = 0; i < depth; i++) {
            inner = GraphProto.newBuilder().setName("g" + i).addNode(NodeProto.newBuilder().setOpType("If")
                    .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH)
                            .setG(inner))).build();
        }
        GraphProto top = inner;
        return modelProto(g -> g.addNode(NodeProto.newBuilder().setOpType("If").setName("deep")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH)
                        .setG(top)))).toByteArray();
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    private static TensorProto floats(String name, Random r, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return floatTensor(name, v, dims);
    }

    private static void setAttr(GraphProto.Builder g, String node, AttributeProto attr) {
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            if (n.getName().equals(node)) {
                for (int i = 0; i < n.getAttributeCount(); i++) {
                    if (n.getAttribute(i).getName().equals(attr.getName())) {
                        n.setAttribute(i, attr);
                        return;
                    }
                }
                n.addAttribute(attr);
            }
        }
    }

    private static int indexOf(GraphProto.Builder g, String init) {
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(init)) {
                return i;
            }
        }
        throw new IllegalArgumentException(init);
    }

    private static TensorProto initializer(GraphProto.Builder g, String name) {
        return g.getInitializer(indexOf(g, name));
    }

    /** Sets element 1 of initializer {@code name} to {@code value}. */
    private static void replaceInit(GraphProto.Builder g, String name, float value) {
        TensorProto t = initializer(g, name);
        ByteBuffer b = ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(4, value);
        g.setInitializer(indexOf(g, name), t.toBuilder().setRawData(ByteString.copyFrom(b.array())));
    }

    // --- .npz: x_train [4,3] f4, y_train [4] i8, x_test [2,3] f4, y_test [2] i8, deflated ---

    /** Entries of a .npz being written; {@link #put} replaces a default array. */
    private static final class Entries {
        final java.util.LinkedHashMap<String, byte[]> files = new java.util.LinkedHashMap<>();
        final List<String[]> links = new ArrayList<>();
        final List<Object[]> duplicates = new ArrayList<>();

        void put(String name, byte[] bytes) {
            files.put(name, bytes);
        }

        void symlink(String name, String target) {
            links.add(new String[] {name, target});
        }

        void duplicate(String name, byte[] bytes) {
            duplicates.add(new Object[] {name, bytes});
        }
    }

    private static byte[] npz(Consumer<Entries> mutate) {
        Entries e = new Entries();
        e.put("x_train.npy", floats(new long[] {4, 3}, -1, 0));
        e.put("y_train.npy", longs(0, 1, 2, 1));
        e.put("x_test.npy", floats(new long[] {2, 3}, -1, 0));
        e.put("y_test.npy", longs(2, 0));
        mutate.accept(e);
        return zip(e);
    }

    /** The entries as a zip: files deflated, then duplicates, then symbolic links. */
    private static byte[] zip(Entries e) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipArchiveOutputStream(out)) {
            for (var f : e.files.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(f.getKey());
                entry.setMethod(ZipArchiveEntry.DEFLATED);
                zip.putArchiveEntry(entry);
                zip.write(f.getValue());
                zip.closeArchiveEntry();
            }
            for (Object[] d : e.duplicates) {
                ZipArchiveEntry entry = new ZipArchiveEntry((String) d[0]);
                zip.putArchiveEntry(entry);
                zip.write((byte[]) d[1]);
                zip.closeArchiveEntry();
            }
            for (String[] l : e.links) {
                ZipArchiveEntry entry = new ZipArchiveEntry(l[0]);
                entry.setUnixMode(0120777); // S_IFLNK | rwxrwxrwx: the content is the link target
                zip.putArchiveEntry(entry);
                zip.write(l[1].getBytes(StandardCharsets.UTF_8));
                zip.closeArchiveEntry();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** A valid image folder (classes a and b, train and test, 2x2 gray PNGs), then {@code mutate}. */
    private static Entries images(Consumer<Entries> mutate) {
        Entries e = new Entries();
        for (String split : new String[] {"train", "test"}) {
            for (String cls : new String[] {"a", "b"}) {
                e.put(split + "/" + cls + "/1.png", DatasetFiles.png(DatasetFiles.image(2, 2, true, cls.charAt(0))));
            }
        }
        mutate.accept(e);
        return e;
    }

    /** The four IDX files (5 train, 3 test images of 4x3), then {@code mutate} (a null value: a symbolic link). */
    private static java.util.LinkedHashMap<String, byte[]> idxFiles(Consumer<java.util.Map<String, byte[]>> mutate) {
        var files = new java.util.LinkedHashMap<String, byte[]>();
        files.put("train-images-idx3-ubyte", DatasetFiles.idxImages(5, 4, 3, 1));
        files.put("train-labels-idx1-ubyte", DatasetFiles.idxLabels(0, 1, 2, 1, 0));
        files.put("t10k-images-idx3-ubyte", DatasetFiles.idxImages(3, 4, 3, 2));
        files.put("t10k-labels-idx1-ubyte", DatasetFiles.idxLabels(2, 2, 0));
        mutate.accept(files);
        return files;
    }

    /**
     * A valid .npz whose x_train is 128 MiB of zeros (32768 x 1024 float32), deflated as it is
     * written from a 64 KiB buffer: about 130 KB on the wire, never held inflated.
     */
    private static byte[] bomb() {
        long rows = 32_768;
        long cols = 1024;
        byte[] header = npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }");
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipArchiveOutputStream(out)) {
            ZipArchiveEntry entry = new ZipArchiveEntry("x_train.npy");
            entry.setMethod(ZipArchiveEntry.DEFLATED);
            zip.setLevel(Deflater.BEST_COMPRESSION);
            zip.putArchiveEntry(entry);
            zip.write(header);
            byte[] zeros = new byte[1 << 16];
            for (long left = rows * cols * 4; left > 0; left -= zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            zip.closeArchiveEntry();
            for (String small : new String[] {"y_train.npy", "x_test.npy", "y_test.npy"}) {
                zip.putArchiveEntry(new ZipArchiveEntry(small));
                zip.write(small.startsWith("x") ? floats(new long[] {2, cols}, -1, 0)
                        : small.equals("y_train.npy") ? longs(new long[(int) rows]) : longs(0, 1));
                zip.closeArchiveEntry();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Rewrites the uncompressed size that the central directory declares for {@code entry}. */
    static byte[] lieAboutSize(byte[] zip, String entry, int declared) {
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.wrap(zip.clone()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < zip.length; i++) {
            if (b.getInt(i) == 0x02014b50 && (b.getShort(i + 28) & 0xFFFF) == name.length
                    && java.util.Arrays.equals(zip, i + 46, i + 46 + name.length, name, 0, name.length)) {
                b.putInt(i + 24, declared);
                return b.array();
            }
        }
        throw new IllegalArgumentException("no central directory entry " + entry);
    }

    /** A v1.0 .npy: magic, version, header padded to 64 bytes with '\n', then {@code data}. */
    private static byte[] npy(String descr, long[] shape, byte[] data) {
        var dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String s = shape.length == 1 ? dims.toString().trim() : dims.toString().trim().replaceAll(",$", "");
        return concat(npyHeader("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + s + "), }"), data);
    }

    private static byte[] npyHeader(String dict) {
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        return b.array();
    }

    /** float32 array of {@code shape} with values i/10, element {@code badIndex} set to {@code bad}. */
    private static byte[] floats(long[] shape, int badIndex, float bad) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i == badIndex ? bad : i / 10f);
        }
        return npy("<f4", shape, b.array());
    }

    private static byte[] longs(long... values) {
        return npy("<i8", new long[] {values.length}, le(8, values));
    }

    private static byte[] le(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (width == 8) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
        return b.array();
    }

    /** A protocol-0 pickle that would call os.system if anyone unpickled it. */
    private static byte[] pickle() {
        return "cos\nsystem\n(S'touch /tmp/qforge-pwned'\ntR.".getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] garbage(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
