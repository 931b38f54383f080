package io.qforge.jobs;

import io.qforge.config.QforgeProperties;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Work directories of job attempts (model, dataset and checkpoint copies, artifacts) under
 * {@code qforge.uploads.temp-dir}, named {@code qforge-job-<job id>-v<claim version>} (the
 * version is new for every claim). A running attempt holds an OS lock on {@code .lock} in its
 * directory; the directory is deleted when the attempt ends.
 *
 * <p>{@link #sweep()} (at start and with every reaper pass) removes the directories that killed
 * processes left behind. A directory is removed only when all of these hold: no process holds its
 * lock (its process is gone, or it finished), it is not an attempt of this process, and its claim
 * is not the job's current RUNNING claim with an unexpired lease. Directories in the old naming
 * ({@code qforge-job-<digits>}, no lock) are removed once older than
 * {@code qforge.workers.max-job-duration} plus the lease.
 */
@Component
public class WorkDirs {
    private static final Logger log = LoggerFactory.getLogger(WorkDirs.class);
    static final String PREFIX = "qforge-job-";
    private static final Pattern NAME = Pattern.compile(
            "qforge-job-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-v(\\d+)");
    private static final Pattern OLD_NAME = Pattern.compile("qforge-job-\\d+");
    private static final String LOCK = ".lock";

    private final JobQueue queue;
    private final QforgeProperties props;
    private final Set<Path> active = ConcurrentHashMap.newKeySet();

    public WorkDirs(JobQueue queue, QforgeProperties props) {
        this.queue = queue;
        this.props = props;
    }

    /** One attempt's directory, locked until {@link #close()} deletes it. */
    public final class WorkDir implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final FileLock lock;

        private WorkDir(Path path, FileChannel channel, FileLock lock) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
        }

        public Path path() {
            return path;
        }

        @Override
        public void close() {
            try {
                deleteTree(path);
            } finally {
                try {
                    channel.close(); // releases the lock
                } catch (IOException ignored) {
                    // closing a lock file
                }
                active.remove(path);
            }
        }
    }

    Path root() {
        return props.getUploads().getTempDir().toAbsolutePath();
    }

    static String nameOf(UUID jobId, long claimVersion) {
        return PREFIX + jobId + "-v" + claimVersion;
    }

    /** Creates and locks the directory of the claimed attempt. */
    public WorkDir create(JobQueue.Claim claim) throws IOException {
        Files.createDirectories(root());
        Path dir = root().resolve(nameOf(claim.id(), claim.version()));
        active.add(dir);
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
            FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new IOException("work directory " + dir + " is locked by another process");
            }
            return new WorkDir(dir, channel, lock);
        } catch (IOException | RuntimeException e) {
            active.remove(dir);
            throw e;
        }
    }

    /** Removes the work directories of dead attempts; returns how many. */
    public int sweep() {
        Path root = root();
        if (!Files.isDirectory(root)) return 0;
        int removed = 0;
        try (Stream<Path> entries = Files.list(root)) {
            for (Path dir : (Iterable<Path>) entries.filter(p -> p.getFileName().toString().startsWith(PREFIX))::iterator) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || active.contains(dir)) continue;
                try {
                    if (removeIfDead(dir)) removed++;
                } catch (java.nio.file.NoSuchFileException e) {
                    // its attempt ended and removed it meanwhile
                } catch (IOException | RuntimeException e) {
                    log.warn("could not check or remove work directory {}: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("could not list {}: {}", root, e.toString());
        }
        if (removed > 0) log.info("removed {} work director(y/ies) of dead job attempts in {}", removed, root);
        return removed;
    }

    private boolean removeIfDead(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        var m = NAME.matcher(name);
        if (m.matches()) {
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    return false; // an attempt of this process
                }
                if (lock == null) return false; // a live process runs the attempt
                if (queue.isLiveClaim(UUID.fromString(m.group(1)), Long.parseLong(m.group(2)))) return false;
                deleteTree(dir); // still holding the lock, so no one takes the directory meanwhile
                return true;
            }
        }
        if (OLD_NAME.matcher(name).matches()) {
            Duration maxAge = props.getWorkers().getMaxJobDuration().plus(props.getWorkers().getLeaseDuration());
            if (Files.getLastModifiedTime(dir).toInstant().plus(maxAge).isBefore(java.time.Instant.now())) { // file times are wall-clock
                deleteTree(dir);
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a directory left behind is swept later
        }
    }
}
