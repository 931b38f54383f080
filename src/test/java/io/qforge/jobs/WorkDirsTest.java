package io.qforge.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.qforge.support.Http;
import io.qforge.support.ServiceTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * Work directories of job attempts: what a killed attempt leaves is removed at start and by the
 * reaper; the directory of an attempt that runs (here, or in another live process) never is.
 */
class WorkDirsTest extends ServiceTest {
    private static final Duration LEASE = Duration.ofSeconds(60);

    @Autowired JobQueue queue;
    @Autowired JobStore jobs;
    @Autowired Reaper reaper;
    @Autowired WorkDirs workDirs;
    @Autowired JsonMapper json;

    private UUID enqueue(String queueName) {
        var key = tenants.createTenant("wd-" + UUID.randomUUID());
        var ids = lenetAndDigits(new Http(port, key.secret()));
        var spec = new JobSpec(8, 8, JobSpec.Granularity.PER_CHANNEL, JobSpec.Symmetry.ASYMMETRIC,
                JobSpec.Observer.MIN_MAX, 4, false, 2, 1e-4, JobSpec.Schedule.COSINE, JobSpec.Optimizer.ADAM, 0.9,
                0, 32, -1, -1, 0);
        return jobs.insert(key.tenant().id(), UUID.fromString(ids[0]), UUID.fromString(ids[1]),
                json.writeValueAsString(spec), queueName, 2, null, null).id();
    }

    /** What a process killed during the attempt leaves: the directory with copies, nobody holding its lock. */
    private Path debrisOf(JobQueue.Claim claim) throws Exception {
        Path dir = Files.createDirectories(workDirs.root().resolve(WorkDirs.nameOf(claim.id(), claim.version())));
        Files.write(dir.resolve("model.onnx"), new byte[1000]);
        Files.write(dir.resolve("checkpoint-1.bin"), new byte[1000]);
        Files.createFile(dir.resolve(".lock"));
        return dir;
    }

    @Test
    void theDirectoryOfAKilledAttemptGoesOnceItsLeaseExpiredAndAtStart() throws Exception {
        String q = "wd-" + UUID.randomUUID();
        UUID id = enqueue(q);
        var killed = queue.claim(q, "killed-process", LEASE).orElseThrow();
        Path dir = debrisOf(killed);

        reaper.reapOnce(); // the lease is still live: the attempt may be running elsewhere
        assertThat(dir).exists();
        clock.advance(LEASE.plusSeconds(1));
        reaper.reapOnce();
        assertThat(dir).doesNotExist();
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

        // the next attempt is killed too; a process starting afterwards removes the debris
        var again = queue.claim(q, "killed-again", LEASE).orElseThrow();
        Path second = debrisOf(again);
        queue.finish(again, JobStatus.FAILED, "test");
        reaper.stop();
        reaper.start();
        assertThat(second).doesNotExist();
    }

    @Test
    void aRunningAttemptKeepsItsDirectoryEvenAfterItsLeaseExpired() throws Exception {
        String q = "wd-run-" + UUID.randomUUID();
        UUID id = enqueue(q);
        var inEpoch2 = new CountDownLatch(1);
        var go = new CountDownLatch(1);
        engine.hook(id, (epoch, step) -> {
            if (epoch == 2 && step == 1) {
                inEpoch2.countDown();
                go.await(30, TimeUnit.SECONDS);
            }
        });
        var worker = new Thread(() -> workers.runOnce(q, "slow-worker"));
        worker.start();
        try {
            assertThat(inEpoch2.await(30, TimeUnit.SECONDS)).isTrue();
            var job = jobs.find(id).orElseThrow();
            Path dir = workDirs.root().resolve(WorkDirs.nameOf(id, job.version()));
            assertThat(dir).isDirectory();
            assertThat(dir.resolve("epoch-1.ckpt")).exists();

            reaper.reapOnce();
            assertThat(dir).isDirectory();
            clock.advance(LEASE.plusSeconds(1)); // hung, as far as the database can tell: the job is re-queued ...
            reaper.reapOnce();
            assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
            assertThat(dir).isDirectory(); // ... but this process still runs the attempt in it
            assertThat(dir.resolve("epoch-1.ckpt")).exists();
            go.countDown();
            worker.join(30_000);
            assertThat(dir).doesNotExist(); // the attempt cleaned up after itself
        } finally {
            go.countDown();
            worker.join(30_000);
        }
    }

    @Test
    void aDirectoryLockedByAnotherLiveProcessIsLeftAlone(@TempDir Path tmp) throws Exception {
        String q = "wd-other-" + UUID.randomUUID();
        enqueue(q);
        var claim = queue.claim(q, "other-process", LEASE).orElseThrow();
        Path dir = debrisOf(claim);
        queue.finish(claim, JobStatus.FAILED, "test"); // even a claim the database calls finished

        Path holder = tmp.resolve("HoldLock.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class HoldLock {
                    public static void main(String[] a) throws Exception {
                        var ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE);
                        var lock = ch.lock();
                        System.out.println("LOCKED");
                        System.out.flush();
                        Thread.sleep(60_000);
                    }
                }
                """);
        var other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                holder.toString(), dir.resolve(".lock").toString()).redirectErrorStream(true).start();
        try {
            var out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("LOCKED");
            clock.advance(LEASE.plusSeconds(1));
            reaper.reapOnce();
            assertThat(dir).isDirectory();
        } finally {
            other.destroyForcibly();
            other.waitFor(30, TimeUnit.SECONDS);
        }
        reaper.reapOnce(); // its process is gone now
        assertThat(dir).doesNotExist();
    }

    @Test
    void directoriesOfTheOldNamingGoOnlyWhenOlderThanAnyAttemptCanRun() throws Exception {
        Path old = Files.createDirectories(workDirs.root().resolve("qforge-job-" + Math.abs(UUID.randomUUID().getLeastSignificantBits())));
        Path young = Files.createDirectories(workDirs.root().resolve("qforge-job-" + Math.abs(UUID.randomUUID().getLeastSignificantBits())));
        Files.write(old.resolve("dataset.npz"), new byte[100]);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        try {
            reaper.reapOnce();
            assertThat(old).doesNotExist();
            assertThat(young).isDirectory();
        } finally {
            for (Path p : List.of(young.resolve("x"), young)) Files.deleteIfExists(p);
        }
    }
}
