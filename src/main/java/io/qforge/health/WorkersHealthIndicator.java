package io.qforge.health;

import io.qforge.jobs.WorkerPool;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health contributor {@code workers} (part of the readiness group): DOWN when this process is
 * configured to run workers ({@code qforge.workers.count > 0}) and none of their threads is
 * alive, so no job could run here. A process with {@code count = 0} only serves the API and is
 * always UP here. Liveness is the pool's business: it turns BROKEN when dead workers can no
 * longer be replaced ({@code qforge.workers.max-restarts}).
 */
@Component
public class WorkersHealthIndicator implements HealthIndicator {
    private final WorkerPool pool;

    public WorkersHealthIndicator(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public Health health() {
        int configured = pool.configuredWorkers();
        int alive = pool.aliveWorkers();
        var health = configured > 0 && alive == 0 ? Health.down() : Health.up();
        return health.withDetail("configured", configured).withDetail("alive", alive).build();
    }
}
