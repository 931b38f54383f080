package io.qforge.engine.data.ingest;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * One PNG or JPEG (chosen by its magic bytes, never by its name) to planes of uint8 pixels. The
 * width and height are read from the header first and refused above the pixel limit before any
 * pixel is decoded (a decompression bomb declares 100000 x 100000 in a few hundred bytes).
 */
final class ImageDecoding {
    /** Decoded pixels: {@code planes[c][y * width + x]}, values 0..255. */
    record Planes(int channels, int height, int width, byte[][] planes) {}

    private ImageDecoding() {
    }

    /** @param what how messages name the image (archive and entry) */
    static Planes decode(byte[] bytes, String what, long maxPixels, Integer wantChannels) {
        String format = format(bytes);
        if (format == null) {
            throw new SourceException("file", what + " is neither a PNG nor a JPEG (by its first bytes)");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw new SourceException("file", what + " declares a " + width + "x" + height + " image");
            }
            if (width * height > maxPixels) {
                throw new SourceException("file", what + " declares " + width + "x" + height + " = " + width * height
                        + " pixels, more than " + maxPixels + " (qforge.datasets.max-image-pixels); it was not decoded");
            }
            BufferedImage image = reader.read(0);
            return planes(image, wantChannels);
        } catch (SourceException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SourceException("file", what + " is not a readable " + format.toUpperCase() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            reader.dispose();
        }
    }

    static String format(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        return null;
    }

    /**
     * Grayscale rasters (8 or 16 bit, one band, no palette) are read as their samples (ImageIO's
     * getRGB would pass them through a colour-space conversion); everything else through its colour
     * model as sRGB. Gray -> RGB repeats the value; RGB -> gray is round(0.299 R + 0.587 G + 0.114 B).
     */
    static Planes planes(BufferedImage image, Integer wantChannels) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        boolean gray = raster.getNumBands() == 1 && !(image.getColorModel() instanceof java.awt.image.IndexColorModel);
        int channels = wantChannels != null ? wantChannels : gray ? 1 : 3;
        byte[][] planes = new byte[channels][w * h];
        int[] row = new int[w];
        int bits = raster.getSampleModel().getSampleSize(0);
        for (int y = 0; y < h; y++) {
            if (gray) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    byte v = (byte) (bits == 8 ? row[x] : bits > 8 ? row[x] >>> (bits - 8) : row[x] * 255 / ((1 << bits) - 1));
                    for (int c = 0; c < channels; c++) {
                        planes[c][y * w + x] = v;
                    }
                }
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int r = row[x] >>> 16 & 0xFF;
                    int g = row[x] >>> 8 & 0xFF;
                    int b = row[x] & 0xFF;
                    if (channels == 3) {
                        planes[0][y * w + x] = (byte) r;
                        planes[1][y * w + x] = (byte) g;
                        planes[2][y * w + x] = (byte) b;
                    } else {
                        planes[0][y * w + x] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                    }
                }
            }
        }
        return new Planes(channels, h, w, planes);
    }

    /**
     * Bilinear resize of every plane to {@code height x width}, pixel centres aligned (as
     * PIL/OpenCV with align_corners=False, without antialiasing), rounded to uint8.
     */
    static Planes resize(Planes p, int height, int width) {
        if (p.height() == height && p.width() == width) {
            return p;
        }
        byte[][] out = new byte[p.channels()][height * width];
        for (int y = 0; y < height; y++) {
            double sy = Math.min(Math.max((y + 0.5) * p.height() / height - 0.5, 0), p.height() - 1);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, p.height() - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.min(Math.max((x + 0.5) * p.width() / width - 0.5, 0), p.width() - 1);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, p.width() - 1);
                double fx = sx - x0;
                for (int c = 0; c < p.channels(); c++) {
                    byte[] src = p.planes()[c];
                    double top = (src[y0 * p.width() + x0] & 0xFF) * (1 - fx) + (src[y0 * p.width() + x1] & 0xFF) * fx;
                    double bottom = (src[y1 * p.width() + x0] & 0xFF) * (1 - fx) + (src[y1 * p.width() + x1] & 0xFF) * fx;
                    out[c][y * width + x] = (byte) Math.round(top * (1 - fy) + bottom * fy);
                }
            }
        }
        return new Planes(p.channels(), height, width, out);
    }
}
