package io.qforge.quota;

import io.qforge.config.QforgeProperties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * Live event streams open per tenant in this process, at most {@code qforge.quotas.event-streams}
 * each. A stream takes a {@link Slot} when it opens and gives it back when it ends for any reason
 * (finished, timed out, client gone).
 */
@Component
public class StreamSlots {
    /** One open stream's place; {@link #release} is idempotent. */
    public final class Slot {
        private final UUID tenantId;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(UUID tenantId) {
            this.tenantId = tenantId;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(tenantId, (t, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    private final ConcurrentHashMap<UUID, Integer> open = new ConcurrentHashMap<>();
    private final QforgeProperties props;
    private final TenantQuotas quotas;

    public StreamSlots(QforgeProperties props, TenantQuotas quotas) {
        this.props = props;
        this.quotas = quotas;
    }

    /** A slot for one more stream of this tenant, or 429 with {@code Retry-After} when all are taken. */
    public Slot acquire(UUID tenantId) {
        int max = props.getQuotas().getEventStreams();
        var taken = new boolean[1];
        open.compute(tenantId, (t, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            throw quotas.tooMany("stream-quota", "Stream quota exceeded", "The tenant already has " + max
                    + " live event streams open, its quota (qforge.quotas.event-streams); close one, or poll GET /v1/jobs/{id}");
        }
        return new Slot(tenantId);
    }

    /** Streams this tenant has open now. */
    public int open(UUID tenantId) {
        return open.getOrDefault(tenantId, 0);
    }
}
