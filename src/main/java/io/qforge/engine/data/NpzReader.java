package io.qforge.engine.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a classification dataset from a numpy {@code .npz} archive (what {@code np.savez} or
 * {@code np.savez_compressed} writes: a zip, stored or deflated, of {@code name.npy} entries).
 *
 * <p>Required arrays: {@code x_train}, {@code y_train}, {@code x_test}, {@code y_test}. A missing
 * one is an error that names it; other arrays are ignored (never parsed or loaded).
 *
 * <ul>
 *   <li>x: float16, float32 or float64 become FLOAT as they are; <b>uint8 becomes FLOAT divided by
 *       255</b> (pixel values 0..255 map to [0, 1], the usual image normalization; store float32 if
 *       the model expects another scaling). Any other x dtype is refused, and so is a NaN or
 *       infinite x value (float64 values too large for float32 become infinite and are refused).
 *   <li>y: any integer dtype (int8..int64, uint8..uint64), shape {@code [N]} or {@code [N, 1]},
 *       becomes {@code int[]}. Float or bool labels are refused.
 * </ul>
 *
 * Headers are checked against the {@link DatasetLimits} before any data is read.
 */
public final class NpzReader {

    /** The arrays a dataset archive must hold. */
    public static final List<String> REQUIRED = List.of("x_train", "y_train", "x_test", "y_test");

    private NpzReader() {
    }

    /** {@link #read(Path, DatasetLimits)} with {@link DatasetLimits#DEFAULT}. */
    public static Dataset read(Path npz) {
        return read(npz, DatasetLimits.DEFAULT);
    }

    /** Reads the four dataset arrays from an .npz file. */
    public static Dataset read(Path npz, DatasetLimits limits) {
        try (ZipFile zip = open(npz)) {
            Map<String, ZipEntry> entries = npyEntries(zip);
            Map<String, NpyHeader> headers = new LinkedHashMap<>();
            for (String name : REQUIRED) {
                ZipEntry entry = entries.get(name);
                if (entry != null) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        headers.put(name, NpyReader.readHeader(in, name));
                    }
                }
            }
            checkHeaders(headers, limits);
            Map<String, INDArray> raw = new LinkedHashMap<>();
            for (String name : REQUIRED) {
                try (InputStream in = new BufferedInputStream(zip.getInputStream(entries.get(name)), 1 << 16)) {
                    NpyHeader header = NpyReader.readHeader(in, name);
                    raw.put(name, load(in, header));
                }
            }
            return toDataset(raw, headers);
        } catch (ZipException e) {
            throw notAZip(npz, e);
        } catch (IOException e) {
            throw new DatasetException("could not read " + npz.getFileName() + ": " + e, e);
        }
    }

    /**
     * Reads the four dataset arrays from an .npz stream (which is not closed). Arrays are checked as
     * they arrive, so a missing array is reported only at the end of the stream.
     */
    public static Dataset read(InputStream npz, DatasetLimits limits) {
        Map<String, NpyHeader> headers = new LinkedHashMap<>();
        Map<String, INDArray> raw = new LinkedHashMap<>();
        long totalBytes = 0;
        int entryCount = 0;
        try {
            ZipInputStream zip = new ZipInputStream(new BufferedInputStream(npz, 1 << 16));
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entryCount++;
                String name = arrayName(entry);
                if (name == null || !REQUIRED.contains(name)) {
                    continue;
                }
                if (headers.containsKey(name)) {
                    throw new DatasetException("the .npz holds " + name + " twice");
                }
                NpyHeader header = NpyReader.readHeader(zip, name);
                checkHeader(header, limits);
                totalBytes += header.dataBytes();
                limits.checkTotal(name, totalBytes);
                headers.put(name, header);
                raw.put(name, load(zip, header));
            }
        } catch (ZipException e) {
            throw new DatasetException("the upload is not a valid .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException("could not read the .npz stream: " + e, e);
        }
        if (entryCount == 0) {
            throw new DatasetException("the upload is not a .npz archive: it holds no zip entries");
        }
        checkHeaders(headers, limits);
        return toDataset(raw, headers);
    }

    /**
     * The headers of the arrays in an .npz, in archive order, read without loading any data (a
     * deflated entry is inflated only up to the end of its header). An extra array whose header is
     * not supported (strings, objects, ...) is left out, as {@link #read} would ignore it; a required
     * array with an unsupported header throws. Pass the result to {@link #checkHeaders} to learn
     * whether {@link #read} would accept the archive.
     */
    public static Map<String, NpyHeader> describe(Path npz) {
        try (ZipFile zip = open(npz)) {
            Map<String, NpyHeader> headers = new LinkedHashMap<>();
            for (Map.Entry<String, ZipEntry> e : npyEntries(zip).entrySet()) {
                try (InputStream in = zip.getInputStream(e.getValue())) {
                    headers.put(e.getKey(), NpyReader.readHeader(in, e.getKey()));
                } catch (DatasetException ex) {
                    if (REQUIRED.contains(e.getKey())) {
                        throw ex;
                    }
                }
            }
            return Collections.unmodifiableMap(headers);
        } catch (ZipException e) {
            throw notAZip(npz, e);
        } catch (IOException e) {
            throw new DatasetException("could not read " + npz.getFileName() + ": " + e, e);
        }
    }

    /**
     * Checks headers as {@link #read} does before loading: every required array present, x of a
     * float or uint8 dtype, y of an integer dtype with shape [N] or [N, 1], each array and their
     * sum within {@code limits}. Arrays other than the required ones are ignored.
     */
    public static void checkHeaders(Map<String, NpyHeader> headers, DatasetLimits limits) {
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED) {
            if (!headers.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new DatasetException("the .npz has no array " + String.join(", ", missing) + " (it has "
                    + (headers.isEmpty() ? "none" : String.join(", ", headers.keySet()))
                    + "); required are x_train, y_train, x_test, y_test");
        }
        long total = 0;
        for (String name : REQUIRED) {
            NpyHeader header = headers.get(name);
            checkHeader(header, limits);
            total += header.dataBytes();
            limits.checkTotal(name, total);
        }
    }

    private static void checkHeader(NpyHeader header, DatasetLimits limits) {
        String name = header.name();
        NpyDtype dtype = header.dtype();
        long[] shape = header.shape();
        if (name.startsWith("x_")) {
            if (!dtype.isFloatingPoint() && dtype != NpyDtype.UINT8) {
                throw new DatasetException(name + " has dtype " + dtype.numpyName() + "; inputs must be float16, "
                        + "float32, float64 or uint8 (uint8 is scaled to [0, 1] by dividing by 255)");
            }
            if (shape.length < 1) {
                throw new DatasetException(name + " is a scalar; expected shape (N, ...sample shape)");
            }
        } else {
            if (!dtype.isInteger()) {
                throw new DatasetException(name + " has dtype " + dtype.numpyName()
                        + "; labels must be integer class indices (int8..int64 or uint8..uint64)");
            }
            if (!(shape.length == 1 || shape.length == 2 && shape[1] == 1)) {
                throw new DatasetException(name + " has shape " + header.shapeString()
                        + "; labels must have shape (N,) or (N, 1) (class indices, not one-hot)");
            }
        }
        limits.checkArray(name, header.elementCount(), header.dataBytes());
    }

    /** x as FLOAT (uint8 read straight into FLOAT / 255, floats cast), y in its own dtype. */
    private static INDArray load(InputStream in, NpyHeader header) {
        if (!header.name().startsWith("x_")) {
            return NpyReader.readData(in, header);
        }
        if (header.dtype() == NpyDtype.UINT8) {
            return NpyReader.readUint8AsUnitFloat(in, header);
        }
        INDArray raw = NpyReader.readData(in, header);
        INDArray x;
        if (raw.dataType() == DataType.FLOAT) {
            x = raw;
        } else {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                x = raw.castTo(DataType.FLOAT);
            }
        }
        DatasetValidator.requireFinite(x, header.name()); // a job never trains on NaN or infinite inputs
        return x;
    }

    private static Dataset toDataset(Map<String, INDArray> loaded, Map<String, NpyHeader> headers) {
        return new Dataset(loaded.get("x_train"), labels(loaded.get("y_train"), headers.get("y_train")),
                loaded.get("x_test"), labels(loaded.get("y_test"), headers.get("y_test")));
    }

    /** Integer labels [N] or [N, 1] -> int[]; a value outside the int range is an error. */
    static int[] labels(INDArray raw, NpyHeader header) {
        int n = (int) header.shape()[0];
        if (n == 0) {
            return new int[0];
        }
        long[] values = raw.castTo(DataType.LONG).reshape(n).toLongVector();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            long v = values[i];
            if (v != (int) v || header.dtype() == NpyDtype.UINT64 && v < 0) {
                throw new DatasetException(header.name() + "[" + i + "] = "
                        + (v < 0 && header.dtype() == NpyDtype.UINT64 ? Long.toUnsignedString(v) : v)
                        + " does not fit in a 32-bit class index");
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    private static ZipFile open(Path npz) throws IOException {
        return new ZipFile(npz.toFile());
    }

    /** The .npy entries by array name (entry name without .npy), in archive order. */
    private static Map<String, ZipEntry> npyEntries(ZipFile zip) {
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        zip.stream().forEach(entry -> {
            String name = arrayName(entry);
            if (name != null) {
                entries.putIfAbsent(name, entry);
            }
        });
        return entries;
    }

    private static String arrayName(ZipEntry entry) {
        String name = entry.getName();
        if (entry.isDirectory() || !name.endsWith(".npy")) {
            return null;
        }
        return name.substring(0, name.length() - ".npy".length());
    }

    private static DatasetException notAZip(Path npz, ZipException e) {
        return new DatasetException(npz.getFileName() + " is not a valid .npz (zip) archive: " + e.getMessage(), e);
    }
}
