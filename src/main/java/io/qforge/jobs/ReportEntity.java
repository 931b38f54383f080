package io.qforge.jobs;

import io.qforge.db.AssignedIdEntity;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A row of {@code reports}: a job's accuracy report (jsonb), keyed by the job's id. The body stays
 * JSON text: the service writes it once from the engine's report and serves it as it is.
 */
@Entity
@Table(name = "reports")
@AttributeOverride(name = "id", column = @Column(name = "job_id"))
public class ReportEntity extends AssignedIdEntity {
    @JdbcTypeCode(SqlTypes.JSON)
    private String body;
    private Instant createdAt;

    protected ReportEntity() {}

    public ReportEntity(UUID jobId, String body, Instant createdAt) {
        super(jobId);
        this.body = body;
        this.createdAt = createdAt;
    }

    public String getBody() {
        return body;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    /** A job that succeeds again (it never should: only the lease holder writes) replaces its report. */
    void replace(String body, Instant at) {
        this.body = body;
        this.createdAt = at;
    }
}
