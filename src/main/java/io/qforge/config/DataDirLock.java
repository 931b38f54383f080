package io.qforge.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The embedded data directory's owner: an exclusive OS lock ({@link FileChannel#tryLock}) on
 * {@code <data-dir>.lock} next to the directory (inside it, initdb would refuse a non-empty
 * directory), taken before anything touches the directory and held until {@link #close} (or the
 * process dies: the OS releases it then). The file says who holds it ({@code pid host}) for the
 * message another process gets. A second taker in the same JVM is refused too
 * ({@link OverlappingFileLockException}).
 */
public final class DataDirLock implements AutoCloseable {
    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    static Path lockFileOf(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".lock");
    }

    /** Takes the lock of {@code dataDir} (absolute) or throws {@link DataDirInUseException} leaving everything as it was. */
    static DataDirLock acquire(Path dataDir) throws IOException {
        Path file = lockFileOf(dataDir);
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            channel.close();
            throw new DataDirInUseException(dataDir, "another qforge instance"
                    + (holder.isEmpty() ? "" : " (" + holder + ")") + " holds its lock " + file);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ManagementFactory.getRuntimeMXBean().getPid() + " on host "
                + hostName() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new DataDirLock(dataDir, channel, lock);
    }

    public Path dataDir() {
        return dataDir;
    }

    boolean isHeld() {
        return lock.isValid();
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
