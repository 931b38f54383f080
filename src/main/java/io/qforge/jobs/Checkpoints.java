package io.qforge.jobs;

import io.qforge.storage.BlobStore;
import io.qforge.storage.SpooledUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The newest training checkpoint of each job, bytes in {@link BlobStore}; written only by the lease holder. */
@Repository
public class Checkpoints {
    public record Saved(int epoch, UUID blobId) {}

    private final JdbcClient jdbc;
    private final BlobStore blobs;
    private final JobQueue queue;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Checkpoints(JdbcClient jdbc, BlobStore blobs, JobQueue queue, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.queue = queue;
        this.tx = tx;
        this.clock = clock;
    }

    /** Replaces the job's checkpoint; throws {@link JobStoppedException} (LEASE_LOST) if the claim is stale. */
    public void save(JobQueue.Claim claim, int epoch, Path file) {
        String sha256;
        long size;
        try (var in = Files.newInputStream(file)) {
            var digest = SpooledUpload.newDigest();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
                total += n;
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
            size = total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint file " + file, e);
        }
        tx.executeWithoutResult(s -> {
            if (!queue.lockIfHeld(claim)) {
                throw new JobStoppedException(JobStoppedException.Reason.LEASE_LOST,
                        "job " + claim.id() + " is no longer owned by " + claim.owner());
            }
            var old = latest(claim.id());
            UUID blob = blobs.put(file, sha256, size);
            jdbc.sql("""
                    INSERT INTO job_checkpoints (job_id, epoch, blob_id, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (job_id) DO UPDATE SET epoch = EXCLUDED.epoch, blob_id = EXCLUDED.blob_id,
                                                       created_at = EXCLUDED.created_at""")
                    .params(claim.id(), epoch, blob, OffsetDateTime.now(clock)).update();
            old.ifPresent(o -> blobs.delete(o.blobId()));
        });
    }

    public Optional<Saved> latest(UUID jobId) {
        return jdbc.sql("SELECT epoch, blob_id FROM job_checkpoints WHERE job_id = ?").param(jobId)
                .query((rs, i) -> new Saved(rs.getInt(1), rs.getObject(2, UUID.class))).optional();
    }

    /** Drops the checkpoint once the job is finished (the artifacts are what remains). */
    public void delete(UUID jobId) {
        latest(jobId).ifPresent(c -> {
            jdbc.sql("DELETE FROM job_checkpoints WHERE job_id = ?").param(jobId).update();
            blobs.delete(c.blobId());
        });
    }
}
