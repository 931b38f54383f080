package io.qforge.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the {@link RepositoryTest} classes: the test PostgreSQL, and rows the entities do not
 * cover (tenants for foreign keys, blobs, jobs: the queue's table is written by SQL only) inserted
 * by SQL in the test's transaction.
 */
@RepositoryTest
public abstract class RepositoryTestBase {
    /** Whole microseconds, as PostgreSQL keeps them, so values read back compare equal. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry);
    }

    @Autowired
    protected JdbcClient jdbc;

    protected UUID tenant() {
        var id = UUID.randomUUID();
        jdbc.sql("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)")
                .params(id, "r-" + id, at(T0)).update();
        return id;
    }

    protected UUID blob() {
        var id = UUID.randomUUID();
        jdbc.sql("INSERT INTO blobs (id, sha256, size, data, created_at) VALUES (?, ?, 3, ?, ?)")
                .params(id, "a".repeat(64), new byte[] {1, 2, 3}, at(T0)).update();
        return id;
    }

    protected UUID job(UUID tenant, UUID model, UUID dataset) {
        var id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO jobs (id, tenant_id, model_id, dataset_id, spec, queue, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, '{}'::jsonb, 'repo-test', 'QUEUED', ?, ?)""")
                .params(id, tenant, model, dataset, at(T0), at(T0)).update();
        return id;
    }

    protected static Instant minutes(long n) {
        return T0.plus(n, ChronoUnit.MINUTES);
    }

    protected static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
