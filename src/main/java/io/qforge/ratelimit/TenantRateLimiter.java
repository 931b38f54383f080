package io.qforge.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.qforge.config.QforgeProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * One token bucket per tenant (Bucket4j): {@code qforge.limits.burst} tokens, refilled at
 * {@code qforge.limits.requests-per-second}; each request takes one. Buckets of tenants idle for
 * ten minutes are dropped (a new one starts full). Time comes from the injected {@link Clock}.
 * The buckets live in this process: with several API processes each allows the full rate.
 */
@Component
public class TenantRateLimiter {
    private static final long MAX_TENANTS = 100_000;

    private final QforgeProperties.Limits limits;
    private final TimeMeter time;
    private final Cache<UUID, Bucket> buckets;

    public TenantRateLimiter(QforgeProperties props, Clock clock) {
        this.limits = props.getLimits();
        this.time = new ClockTimeMeter(clock);
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_TENANTS).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    /** Takes one token of the tenant's bucket: empty when the request may go on, else how long until it could. */
    public Optional<Duration> tryAcquire(UUID tenantId) {
        if (limits.getRequestsPerSecond() <= 0) return Optional.empty();
        var probe = buckets.get(tenantId, id -> newBucket()).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    private Bucket newBucket() {
        long rate = limits.getRequestsPerSecond();
        long burst = Math.max(1, limits.getBurst());
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(rate, Duration.ofSeconds(1)).build())
                .withCustomTimePrecision(time)
                .build();
    }

    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            Instant t = clock.instant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
