package io.qforge.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job as {@code GET /v1/jobs/{id}} shows it: status, phase, epoch k/N and step, percent,
 * the latest metrics, an ETA and the error if it failed.
 *
 * <p>ETA (seconds) = elapsed time of this attempt x (1 - p) / (p - p0), where p is the progress
 * now and p0 the progress when this attempt started (a resumed job does not count the epochs it
 * skipped as speed); null until 1% has been done in this attempt.
 */
public record JobView(UUID id, JobStatus status, JobPhase phase, UUID modelId, UUID datasetId, JsonNode spec,
                      int attempts, Integer epoch, Integer totalEpochs, Integer step, Integer stepsPerEpoch,
                      double percent, JsonNode metrics, Long etaSeconds, boolean cancelRequested, String error,
                      OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt) {

    static JobView of(Job j, JsonMapper json, Clock clock) {
        return of(j, json, OffsetDateTime.now(clock));
    }

    static JobView of(Job j, JsonMapper json, OffsetDateTime now) {
        return new JobView(j.id(), j.status(), j.phase(), j.modelId(), j.datasetId(), json.readTree(j.specJson()),
                j.attempts(), j.epoch(), j.totalEpochs(), j.step(), j.stepsPerEpoch(),
                Math.round(j.progress() * 1000) / 10.0, j.metricsJson() == null ? null : json.readTree(j.metricsJson()),
                eta(j, now), j.cancelRequested(), j.error(), j.createdAt(), j.startedAt(), j.finishedAt());
    }

    static Long eta(Job j, OffsetDateTime now) {
        double done = j.progress() - j.claimProgress();
        if (j.status() == JobStatus.RUNNING && j.startedAt() != null && done >= 0.01) {
            double elapsed = Duration.between(j.startedAt(), now).toMillis() / 1000.0;
            return Math.round(elapsed * (1 - j.progress()) / done);
        }
        return null;
    }

    /**
     * A weak ETag of the view {@link #of} makes from this row: a hash of every stored field that can
     * change (the others are fixed when the job is created), so a poll can be answered 304 without
     * building or serializing the view. The ETA, recomputed from the clock at each request, is not
     * part of it (it would change the tag many times a second): a client answered 304 keeps the ETA
     * of the last change, and a running job changes at every progress write, about once a second.
     */
    static String etag(Job j) {
        String state = j.id() + "|" + j.version() + "|" + j.status() + "|" + j.phase() + "|" + j.attempts() + "|"
                + j.epoch() + "|" + j.totalEpochs() + "|" + j.step() + "|" + j.stepsPerEpoch() + "|"
                + Double.doubleToLongBits(j.progress()) + "|" + j.metricsJson() + "|" + j.cancelRequested() + "|"
                + j.error() + "|" + j.startedAt() + "|" + j.finishedAt();
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    }
}
