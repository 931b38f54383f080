package io.qforge.jobs;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One row of {@code jobs}. {@code version} changes on every claim and state change. */
public record Job(UUID id, UUID tenantId, UUID modelId, UUID datasetId, String specJson, String queue,
                  JobStatus status, JobPhase phase, String owner, OffsetDateTime leaseExpiresAt, int attempts,
                  long version, boolean cancelRequested, Integer epoch, Integer totalEpochs, Integer step,
                  Integer stepsPerEpoch, double progress, double claimProgress, String metricsJson, String error,
                  String idempotencyKey, String requestHash, OffsetDateTime createdAt, OffsetDateTime startedAt,
                  OffsetDateTime finishedAt) {

    static Job from(java.sql.ResultSet rs) throws java.sql.SQLException {
        String phase = rs.getString("phase");
        return new Job(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("model_id", UUID.class), rs.getObject("dataset_id", UUID.class), rs.getString("spec"),
                rs.getString("queue"), JobStatus.valueOf(rs.getString("status")),
                phase == null ? null : JobPhase.valueOf(phase), rs.getString("owner"),
                rs.getObject("lease_expires_at", OffsetDateTime.class), rs.getInt("attempts"), rs.getLong("version"),
                rs.getBoolean("cancel_requested"), (Integer) rs.getObject("epoch"), (Integer) rs.getObject("total_epochs"),
                (Integer) rs.getObject("step"), (Integer) rs.getObject("steps_per_epoch"), rs.getDouble("progress"),
                rs.getDouble("claim_progress"), rs.getString("metrics"), rs.getString("error"),
                rs.getString("idempotency_key"), rs.getString("request_hash"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class));
    }
}
