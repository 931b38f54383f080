package io.qforge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small .npz files for tests (float32 x arrays, int64 y arrays), as numpy's savez does. */
public final class Npz {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ZipOutputStream zip = new ZipOutputStream(bytes);

    public Npz floats(String name, long[] shape) throws IOException {
        long n = 1;
        for (long d : shape) n *= d;
        var data = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) data.putFloat(i % 7 / 7f);
        return entry(name, "<f4", shape, data.array());
    }

    public Npz labels(String name, long... values) throws IOException {
        var data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) data.putLong(v);
        return entry(name, "<i8", new long[] {values.length}, data.array());
    }

    private Npz entry(String name, String descr, long[] shape, byte[] data) throws IOException {
        var dims = new StringBuilder();
        for (long d : shape) dims.append(d).append(", ");
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        zip.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        zip.write(header.getBytes(StandardCharsets.US_ASCII));
        zip.write(data);
        zip.closeEntry();
        return this;
    }

    public byte[] bytes() throws IOException {
        zip.close();
        return bytes.toByteArray();
    }
}
