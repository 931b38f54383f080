package io.qforge.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Dataset files as users have them, made in tests: IDX (plain, gzip), zips, tars, PNG and JPEG images. */
public final class DatasetFiles {
    private DatasetFiles() {
    }

    /** IDX images {@code 0x00000803 n rows cols}, pixel i = (i * 7 + seed) mod 256. */
    public static byte[] idxImages(int n, int rows, int cols, int seed) {
        var b = ByteBuffer.allocate(16 + n * rows * cols).putInt(0x803).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i * 7 + seed));
        }
        return b.array();
    }

    /** IDX labels {@code 0x00000801 n}. */
    public static byte[] idxLabels(int... labels) {
        var b = ByteBuffer.allocate(8 + labels.length).putInt(0x801).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    public static byte[] gzip(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A gzip stream of {@code zeros} zero bytes after {@code prefix}, written without holding them. */
    public static byte[] gzipBomb(byte[] prefix, long zeros) {
        return gzipBomb(prefix, zeros, (byte) 0);
    }

    /** A gzip stream of {@code count} bytes {@code fill} after {@code prefix}, written without holding them. */
    public static byte[] gzipBomb(byte[] prefix, long zeros, byte fill) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(prefix);
            byte[] chunk = new byte[1 << 16];
            java.util.Arrays.fill(chunk, fill);
            for (long done = 0; done < zeros; done += chunk.length) {
                gz.write(chunk, 0, (int) Math.min(chunk.length, zeros - done));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip of these entries (in map order), deflated. */
    public static byte[] zip(Map<String, byte[]> entries) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A tar of these entries; a value of null makes a symbolic link to {@code /etc/passwd}. */
    public static byte[] tar(Map<String, byte[]> entries) {
        var out = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : entries.entrySet()) {
                TarArchiveEntry entry;
                if (e.getValue() == null) {
                    entry = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName("/etc/passwd");
                } else {
                    entry = new TarArchiveEntry(e.getKey());
                    entry.setSize(e.getValue().length);
                }
                tar.putArchiveEntry(entry);
                if (e.getValue() != null) {
                    tar.write(e.getValue());
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A {@code w x h} image; gray: value (x + y * w + seed) mod 256, else RGB = (that, 255 - that, seed). */
    public static BufferedImage image(int w, int h, boolean gray, int seed) {
        var img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x + y * w + seed) & 0xFF;
                if (gray) {
                    img.getRaster().setSample(x, y, 0, v);
                } else {
                    img.setRGB(x, y, v << 16 | (255 - v) << 8 | (seed & 0xFF));
                }
            }
        }
        return img;
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    private static byte[] encode(BufferedImage image, String format) {
        var out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A small valid PNG whose IHDR declares {@code w x h} (CRC fixed): a decompression bomb's header. */
    public static byte[] pngDeclaring(int w, int h) {
        byte[] png = png(image(2, 2, true, 0));
        // signature (8) + length (4) + "IHDR" (4) + width (4) + height (4)
        ByteBuffer.wrap(png, 16, 8).putInt(w).putInt(h);
        var crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        ByteBuffer.wrap(png, 12 + 4 + 13, 4).putInt((int) crc.getValue());
        return png;
    }

    /** Random bytes. */
    public static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
