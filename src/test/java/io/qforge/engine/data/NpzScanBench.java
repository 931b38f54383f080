package io.qforge.engine.data;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * What the upload check costs: writes a Fashion-MNIST-sized .npz (np.savez layout, stored;
 * x float32 [60000,1,28,28] and [10000,1,28,28], y int64) to a temp file, then times
 * {@link NpzScanner#scan} (every value streamed) against {@link NpzReader#read} (the job-time
 * load) and reports the heap the scan allocated. Not a unit test; run by hand:
 *
 * <pre>
 *   ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" io.qforge.engine.data.NpzScanBench
 * </pre>
 */
public final class NpzScanBench {

    private NpzScanBench() {
    }

    public static void main(String[] args) throws Exception {
        Path f = Files.createTempFile("qforge-bench-", ".npz");
        try {
            write(f);
            System.out.printf("file %.1f MB%n", Files.size(f) / 1e6);
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 3; round++) {
                long alloc = threads.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                NpzScanner.scan(f, "'bench.npz'", DatasetLimits.DEFAULT);
                long scan = System.nanoTime() - t0;
                alloc = threads.getCurrentThreadAllocatedBytes() - alloc;
                t0 = System.nanoTime();
                Dataset d = NpzReader.read(f, DatasetLimits.DEFAULT);
                long read = System.nanoTime() - t0;
                t0 = System.nanoTime();
                DatasetValidator.requireFinite(d.xTrain(), "x_train");
                long finite = System.nanoTime() - t0;
                System.out.printf("round %d: scan %d ms (heap allocated %.1f MB); job-time read %d ms, of which the"
                        + " x_train finiteness scan ~%d ms%n", round, scan / 1_000_000, alloc / 1e6, read / 1_000_000,
                        finite / 1_000_000);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void write(Path f) throws Exception {
        Random r = new Random(1);
        try (var zip = new ZipArchiveOutputStream(f)) {
            for (String name : new String[] {"x_train", "y_train", "x_test", "y_test"}) {
                int n = name.endsWith("train") ? 60_000 : 10_000;
                boolean x = name.startsWith("x");
                String shape = x ? "(" + n + ", 1, 28, 28)" : "(" + n + ",)";
                byte[] header = NpyBytes.npyWithHeader(1, "{'descr': '" + (x ? "<f4" : "<i8")
                        + "', 'fortran_order': False, 'shape': " + shape + ", }", new byte[0]);
                ZipArchiveEntry e = new ZipArchiveEntry(name + ".npy");
                e.setMethod(ZipArchiveEntry.STORED);
                zip.putArchiveEntry(e);
                zip.write(header);
                ByteBuffer chunk = ByteBuffer.allocate(28 * 28 * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    chunk.clear();
                    if (x) {
                        for (int k = 0; k < 28 * 28; k++) {
                            chunk.putFloat(r.nextFloat());
                        }
                    } else {
                        chunk.putLong(r.nextInt(10));
                    }
                    zip.write(chunk.array(), 0, chunk.position());
                }
                zip.closeArchiveEntry();
            }
        }
    }
}
