package io.qforge.quota;

import io.qforge.api.ApiException;
import io.qforge.config.QforgeProperties;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The per-tenant quotas kept in PostgreSQL ({@code qforge.quotas.*}): stored bytes (models,
 * datasets and job artifacts together) and jobs QUEUED or RUNNING. A check that admits something
 * runs in the transaction that stores it, after {@link #lock}, so two requests of one tenant cannot
 * both pass on the same remaining room.
 */
@Component
public class TenantQuotas {
    private final JdbcClient jdbc;
    private final QforgeProperties props;

    public TenantQuotas(JdbcClient jdbc, QforgeProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /** Serializes quota checks of one tenant until the transaction ends (foreign-key checks are not blocked). */
    public void lock(UUID tenantId) {
        jdbc.sql("SELECT id FROM tenants WHERE id = ? FOR NO KEY UPDATE").param(tenantId).query(UUID.class).optional();
    }

    public long storedBytes(UUID tenantId) {
        return jdbc.sql("""
                SELECT COALESCE((SELECT sum(size) FROM models WHERE tenant_id = :t), 0)
                     + COALESCE((SELECT sum(size) FROM datasets WHERE tenant_id = :t), 0)
                     + COALESCE((SELECT sum(a.size) FROM artifacts a JOIN jobs j ON j.id = a.job_id WHERE j.tenant_id = :t), 0)
                """).param("t", tenantId).query(Long.class).single();
    }

    /** Bytes the tenant may still store (0 when at or over its quota). */
    public long remainingBytes(UUID tenantId) {
        return Math.max(0, props.getQuotas().getStoredBytes().toBytes() - storedBytes(tenantId));
    }

    /** Call after {@link #lock} in the transaction that stores {@code adding} more bytes. */
    public void checkStoredBytes(UUID tenantId, long adding) {
        long used = storedBytes(tenantId);
        if (used + adding > props.getQuotas().getStoredBytes().toBytes()) {
            throw storageExceeded(used, adding);
        }
    }

    /** 413 naming the quota: storing {@code adding} bytes more than {@code used} does not fit. */
    public ApiException storageExceeded(long used, long adding) {
        long quota = props.getQuotas().getStoredBytes().toBytes();
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "storage-quota", "Storage quota exceeded",
                "The tenant's storage quota (qforge.quotas.stored-bytes) is " + quota + " bytes; " + used
                        + " are in use by models, datasets and artifacts, so this upload"
                        + (adding < 0 ? "" : " of at least " + adding + " bytes")
                        + " does not fit. Delete models or datasets to make room.");
    }

    /** Call after {@link #lock} in the transaction that queues a new job: 429 once the tenant has its maximum. */
    public void checkActiveJobs(UUID tenantId) {
        int max = props.getQuotas().getActiveJobs();
        long active = jdbc.sql("SELECT count(*) FROM jobs WHERE tenant_id = ? AND status IN ('QUEUED', 'RUNNING')")
                .param(tenantId).query(Long.class).single();
        if (active >= max) {
            throw tooMany("job-quota", "Job quota exceeded", "The tenant already has " + active
                    + " jobs queued or running, its quota (qforge.quotas.active-jobs) is " + max
                    + "; submit again when one has finished");
        }
    }

    /** 429 with {@code Retry-After} ({@code qforge.quotas.retry-after}). */
    public ApiException tooMany(String slug, String title, String detail) {
        long seconds = Math.max(1, props.getQuotas().getRetryAfter().toSeconds());
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, slug, title, detail)
                .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    }
}
