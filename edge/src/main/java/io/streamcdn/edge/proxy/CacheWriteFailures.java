package io.streamcdn.edge.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Writes to the disk cache that failed (a full disk, a dead disk, a read-only remount), counted as
 * {@code streamcdn_edge_cache_write_failures_total} and logged at most once per {@link #LOG_INTERVAL}: a full
 * disk fails every miss, and a line per request would bury the log (and fill a disk of its own). The first
 * failure is logged at once; later ones are summed into the next line, written at the first failure after the
 * interval. Viewers do not notice: their responses are proxied whole from memory (see {@link Fill}).
 */
public final class CacheWriteFailures {

    private static final Logger LOG = LoggerFactory.getLogger(CacheWriteFailures.class);
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final Counter failures;
    private final Clock clock;
    private long lastLogMillis = Long.MIN_VALUE;
    private long unlogged;

    public CacheWriteFailures(MeterRegistry registry, Clock clock) {
        this.failures = Counter.builder("streamcdn.edge.cache.write.failures")
                .description("Cache writes that failed (disk full or failing); the objects were proxied but not stored")
                .register(registry);
        this.clock = clock;
    }

    /** One failed write of {@code key}'s body or metadata. Any thread. */
    void record(String key, Throwable error) {
        failures.increment();
        long now = clock.millis();
        long skipped;
        synchronized (this) {
            unlogged++;
            if (lastLogMillis != Long.MIN_VALUE && now - lastLogMillis < LOG_INTERVAL.toMillis()) {
                return;
            }
            skipped = unlogged - 1;
            unlogged = 0;
            lastLogMillis = now;
        }
        LOG.warn("a cache write failed{}: {} (writing {}); viewers are still served, straight from the upstream, but "
                        + "nothing new is cached. Logged at most once a minute; streamcdn_edge_cache_write_failures_total "
                        + "counts every failure", skipped == 0 ? "" : " (and " + skipped + " more since the last report)",
                error.getMessage() == null ? error.toString() : error.getMessage(), key);
    }
}
