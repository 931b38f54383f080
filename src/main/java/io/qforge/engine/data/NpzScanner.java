package io.qforge.engine.data;

import io.qforge.engine.data.NpyValueScan.LabelRange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Checks an uploaded {@code .npz} from end to end without loading it: every value is looked at,
 * in bounded chunks, and nothing is allocated from a size a header declares.
 *
 * <ol>
 *   <li>The archive: every entry name is relative and free of {@code ..} segments, unique, not a
 *       symbolic link, not encrypted, stored or deflated (what {@code np.savez} writes and what
 *       {@link NpzReader} reads). Nothing is extracted to disk.
 *   <li>Headers of every {@code .npy} entry (an extra array of object dtype, i.e. a pickle, is
 *       refused too); the required arrays must pass {@link NpzReader#checkHeaders} and hold at
 *       least one element (no 0-sized dimension).
 *   <li>The data of the required arrays, streamed: x finite, labels fitting an int32, exactly as
 *       many bytes as the header promises (truncated or trailing data refused), and as many as
 *       the zip entry declares.
 * </ol>
 *
 * Every byte inflated counts against {@link DatasetLimits#maxInflatedBytes()}; messages name the
 * archive by {@code fileName} (the user's name for it), never by its path on this machine.
 */
public final class NpzScanner {

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    /** What the scan learned: headers of the readable .npy entries (archive order) and label ranges. */
    public record Result(Map<String, NpyHeader> headers, Map<String, LabelRange> labels) {
    }

    private NpzScanner() {
    }

    public static Result scan(Path npz, String fileName, DatasetLimits limits) {
        long entries = centralDirectorySignatures(npz);
        if (entries > limits.maxZipEntries()) {
            throw new DatasetException(fileName + " holds " + entries + " zip entries (central directory records);"
                    + " at most " + limits.maxZipEntries() + " are accepted");
        }
        try (ZipFile zip = ZipFile.builder().setPath(npz).get()) {
            return scan(zip, fileName, limits);
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage()).replace(npz.toString(), fileName);
            throw new DatasetException(fileName + " is not a valid .npz (zip) archive: " + why, e);
        }
    }

    private static Result scan(ZipFile zip, String fileName, DatasetLimits limits) throws IOException {
        List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
        if (entries.isEmpty()) {
            throw new DatasetException(fileName + " is an empty zip archive; a .npz holds x_train, y_train, x_test"
                    + " and y_test");
        }
        Map<String, ZipArchiveEntry> arrays = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (ZipArchiveEntry e : entries) {
            checkEntry(e, zip, fileName, names);
            if (!e.isDirectory() && e.getName().endsWith(".npy")) {
                arrays.put(e.getName().substring(0, e.getName().length() - 4), e);
            }
        }
        InflatedBudget budget = new InflatedBudget(limits.maxInflatedBytes(), fileName);
        Map<String, NpyHeader> headers = new LinkedHashMap<>();
        for (Map.Entry<String, ZipArchiveEntry> a : arrays.entrySet()) {
            try (InputStream in = budget.wrap(zip.getInputStream(a.getValue()), a.getValue().getName())) {
                headers.put(a.getKey(), NpyReader.readHeader(in, a.getKey()));
            } catch (PickledArrayException | InflatedBytesExceeded e) {
                throw e;
            } catch (DatasetException e) {
                if (NpzReader.REQUIRED.contains(a.getKey())) {
                    throw e;
                }
            }
        }
        NpzReader.checkHeaders(headers, limits);
        for (String name : NpzReader.REQUIRED) {
            NpyHeader h = headers.get(name);
            if (h.elementCount() == 0) {
                throw new DatasetException(name + " has shape " + h.shapeString() + " and holds no values; every"
                        + " array needs at least one sample and no dimension of size 0");
            }
        }
        Map<String, LabelRange> labels = new LinkedHashMap<>();
        for (String name : NpzReader.REQUIRED) {
            ZipArchiveEntry entry = arrays.get(name);
            try (InflatedBudget.Counted in = budget.wrap(zip.getInputStream(entry), entry.getName())) {
                NpyHeader h = NpyReader.readHeader(in, name);
                if (name.startsWith("x_")) {
                    NpyValueScan.requireFinite(in, h);
                } else {
                    labels.put(name, NpyValueScan.labels(in, h));
                }
                if (in.read() >= 0) {
                    throw new DatasetException(name + " holds more bytes than its header " + h.shapeString() + " "
                            + h.dtype().numpyName() + " declares (" + h.dataBytes() + " data bytes)");
                }
                if (entry.getSize() >= 0 && entry.getSize() != in.count()) {
                    throw new DatasetException(fileName + ": the zip entry " + entry.getName() + " declares "
                            + entry.getSize() + " bytes but holds " + in.count());
                }
            }
        }
        return new Result(Collections.unmodifiableMap(headers), Collections.unmodifiableMap(labels));
    }

    /**
     * How many central directory signatures ({@code PK\1\2}) the file holds: an upper bound of its
     * entries, counted by streaming the file before a zip library loads the directory (which costs
     * hundreds of bytes of heap per entry, whatever count the archive's end record claims).
     */
    public static long centralDirectorySignatures(Path npz) {
        long count = 0;
        int last = 0; // the previous 3 bytes, so a signature split across reads is found
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = java.nio.file.Files.newInputStream(npz)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    last = last << 8 | buffer[i] & 0xFF;
                    if (last == 0x504B0102) {
                        count++;
                    }
                }
            }
        } catch (IOException e) {
            throw new DatasetException("could not read the upload: " + e.getMessage(), e);
        }
        return count;
    }

    private static void checkEntry(ZipArchiveEntry e, ZipFile zip, String fileName, Set<String> seen) {
        String name = e.getName();
        String where = fileName + ": the zip entry '" + shorten(name) + "'";
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || DRIVE.matcher(name).matches()) {
            throw new DatasetException(where + " has an absolute path; a .npz holds plain array names");
        }
        for (String segment : name.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw new DatasetException(where + " has a '..' path segment; a .npz holds plain array names");
            }
        }
        if (name.indexOf('\0') >= 0) {
            throw new DatasetException(where + " has a NUL character in its name");
        }
        if (!seen.add(name)) {
            throw new DatasetException(where + " appears twice in the archive");
        }
        if (e.isUnixSymlink()) {
            throw new DatasetException(where + " is a symbolic link; a .npz holds only arrays");
        }
        if (e.getGeneralPurposeBit().usesEncryption()) {
            throw new DatasetException(where + " is encrypted");
        }
        if (e.getMethod() != ZipArchiveEntry.STORED && e.getMethod() != ZipArchiveEntry.DEFLATED) {
            throw new DatasetException(where + " uses zip compression method " + e.getMethod()
                    + "; only stored (0) and deflated (8) entries are read, as np.savez writes them");
        }
        if (!e.isDirectory() && !zip.canReadEntryData(e)) {
            throw new DatasetException(where + " cannot be read (unsupported zip feature)");
        }
    }

    private static String shorten(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
