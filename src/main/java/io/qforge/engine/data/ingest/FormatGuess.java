package io.qforge.engine.data.ingest;

import io.qforge.engine.data.NpzScanner;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The format of a single-file dataset upload when the user did not name one: by the file name's
 * extension first ({@code .npz}, {@code .csv}, {@code .tar}, {@code .tgz}...), then by content: a
 * zip holding {@code .npy} entries is npz, one holding IDX file names is idx, one holding images
 * is image-folder; a tar is idx; UTF-8 text is csv. Anything else is npz, whose reader then says
 * precisely why the file is not one. Reads at most a few KB and, for a zip, its directory (after
 * its entries were counted against {@code maxEntries}).
 */
public final class FormatGuess {
    private FormatGuess() {
    }

    public static String guess(Path file, String fileName, int maxEntries) throws IOException {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".npz")) {
            return "npz";
        }
        if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".txt")) {
            return "csv";
        }
        if (name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            return "idx";
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return zipContent(file, maxEntries);
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                byte[] inner = in.readNBytes(4096);
                return isTar(inner) ? "idx" : isText(inner) ? "csv" : "npz";
            } catch (IOException e) {
                return "npz";
            }
        }
        if (isTar(head)) {
            return "idx";
        }
        return isText(head) ? "csv" : "npz";
    }

    private static String zipContent(Path file, int maxEntries) {
        if (NpzScanner.centralDirectorySignatures(file) > maxEntries) {
            return "image-folder"; // only image folders hold that many entries; its reader refuses past its limit
        }
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            boolean images = false;
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                String n = e.getName().toLowerCase(Locale.ROOT);
                if (n.endsWith(".npy")) {
                    return "npz";
                }
                String base = n.substring(n.lastIndexOf('/') + 1);
                if (IdxConverter.STANDARD_NAME.matcher(base).matches()) {
                    return "idx";
                }
                images |= n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
            }
            return images ? "image-folder" : "npz";
        } catch (IOException e) {
            return "npz";
        }
    }

    private static boolean isTar(byte[] b) {
        return b.length >= 262 && new String(b, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    /** No NUL and valid UTF-8 (a multi-byte character cut at the end of the sample is fine). */
    private static boolean isText(byte[] b) {
        if (b.length == 0) {
            return false;
        }
        for (byte x : b) {
            if (x == 0) {
                return false;
            }
        }
        var result = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b),
                java.nio.CharBuffer.allocate(b.length), b.length < 4096);
        return !result.isError();
    }
}
