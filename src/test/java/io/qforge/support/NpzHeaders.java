package io.qforge.support;

import io.qforge.api.FieldProblem;
import io.qforge.storage.DatasetInspector;
import io.qforge.storage.DatasetSummary;
import io.qforge.storage.UploadRejected;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * TEST implementation of the dataset port (until the engine's NpzReader is wired): reads the
 * .npy headers in an .npz and the int64 labels, checks the four arrays, shapes and labels.
 */
public final class NpzHeaders implements DatasetInspector {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final List<String> REQUIRED = List.of("x_train", "y_train", "x_test", "y_test");

    @Override
    public DatasetSummary inspectDataset(Path file) throws UploadRejected {
        var arrays = new LinkedHashMap<String, DatasetSummary.ArrayInfo>();
        var problems = new ArrayList<FieldProblem>();
        long maxLabel = -1;
        try (var zip = new ZipFile(file.toFile())) {
            for (var e : java.util.Collections.list(zip.entries())) {
                String name = e.getName().replaceFirst("\\.npy$", "");
                try (var in = new DataInputStream(zip.getInputStream(e))) {
                    var info = header(name, in);
                    arrays.put(name, info);
                    if (name.startsWith("y_")) {
                        if (!info.dtype().equals("<i8")) {
                            problems.add(new FieldProblem(name, "labels must be int64 ('<i8'), got " + info.dtype(), info.dtype()));
                            continue;
                        }
                        long n = info.shape().isEmpty() ? 0 : info.shape().get(0);
                        byte[] buf = new byte[8];
                        for (long i = 0; i < n; i++) {
                            in.readFully(buf);
                            long v = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getLong();
                            if (v < 0) {
                                problems.add(new FieldProblem(name, "label " + i + " is negative (" + v + ")", v));
                                break;
                            }
                            maxLabel = Math.max(maxLabel, v);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UploadRejected("The dataset is not a readable .npz file",
                    List.of(new FieldProblem("file", "not a readable .npz (zip of .npy arrays): " + e.getMessage(), null)));
        }
        for (String r : REQUIRED) {
            if (!arrays.containsKey(r)) problems.add(new FieldProblem(r, "array is missing; an .npz needs " + REQUIRED, null));
        }
        if (problems.isEmpty()) {
            var xt = arrays.get("x_train").shape();
            var xs = arrays.get("x_test").shape();
            if (!xt.get(0).equals(arrays.get("y_train").shape().get(0))) {
                problems.add(new FieldProblem("y_train", "has " + arrays.get("y_train").shape().get(0) + " labels but x_train has " + xt.get(0) + " samples", null));
            }
            if (!xt.subList(1, xt.size()).equals(xs.subList(1, xs.size()))) {
                problems.add(new FieldProblem("x_test", "samples have shape " + xs.subList(1, xs.size()) + " but x_train's have " + xt.subList(1, xt.size()), null));
            }
        }
        if (!problems.isEmpty()) throw new UploadRejected("The dataset has " + problems.size() + " problem(s)", problems);
        var xt = arrays.get("x_train").shape();
        return new DatasetSummary("npz", List.copyOf(arrays.values()), xt.subList(1, xt.size()), (int) (maxLabel + 1),
                xt.get(0), arrays.get("x_test").shape().get(0));
    }

    private static DatasetSummary.ArrayInfo header(String name, DataInputStream in) throws IOException {
        byte[] magic = new byte[6];
        in.readFully(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(name + " is not a .npy array");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int len = major == 1 ? Short.toUnsignedInt(Short.reverseBytes(in.readShort())) : Integer.reverseBytes(in.readInt());
        byte[] header = new byte[len];
        in.readFully(header);
        String h = new String(header, StandardCharsets.US_ASCII);
        var d = DESCR.matcher(h);
        var s = SHAPE.matcher(h);
        if (!d.find() || !s.find()) throw new IOException(name + " has no dtype/shape in its header");
        var shape = new ArrayList<Long>();
        for (String p : s.group(1).split(",")) {
            if (!p.isBlank()) shape.add(Long.parseLong(p.trim()));
        }
        return new DatasetSummary.ArrayInfo(name, d.group(1), shape);
    }


}
