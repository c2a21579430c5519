package io.streamcdn.edge.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamcdn.edge.cache.DiskCache;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Predictive prefetch: a viewer who just got segment N of a rendition will ask for N+1 in a couple of
 * seconds, so after serving it the edge fetches the next {@code depth} segments in the background when
 * they are neither cached nor already being fetched. At most {@code concurrency} prefetches run at once;
 * beyond that they are skipped, not queued (a queue would only deliver them late). A segment past the
 * end of the video (the upstream says 404) is remembered for a minute so the last segment does not
 * trigger a 404 on every view.
 */
public final class Prefetcher {

    /** {@code <rendition>/seg-00042.m4s}: the digits before {@code .m4s} are the segment number. */
    private static final Pattern SEGMENT = Pattern.compile("(.*/[^/]*?)(\\d{1,9})(\\.m4s)");

    private final DiskCache cache;
    private final Fills fills;
    private final ProxyMetrics metrics;
    private final int depth;
    private final Semaphore permits;
    private final Cache<String, Boolean> absent = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).maximumSize(10_000).build();

    public Prefetcher(DiskCache cache, Fills fills, ProxyMetrics metrics, int depth, int concurrency) {
        this.cache = cache;
        this.fills = fills;
        this.metrics = metrics;
        this.depth = depth;
        this.permits = new Semaphore(concurrency);
    }

    /** Called after {@code key} was served; starts fetching the segments after it. */
    void after(String key, Map<String, String> upstreamHeaders) {
        for (int ahead = 1; ahead <= depth; ahead++) {
            Optional<String> next = next(key, ahead);
            if (next.isEmpty()) {
                return;
            }
            String target = next.get();
            if (cache.peek(target) != null || fills.inFlight(target) || absent.getIfPresent(target) != null) {
                continue;
            }
            if (!permits.tryAcquire()) {
                metrics.prefetched("skipped");
                return;
            }
            Fill fill = fills.prefetch(target, upstreamHeaders);
            if (fill == null) {
                permits.release();
                continue;
            }
            fill.done().whenComplete((stored, error) -> {
                permits.release();
                if (Boolean.TRUE.equals(stored)) {
                    metrics.prefetched("stored");
                } else if (fill.outcome().getNow(null) instanceof FillOutcome.Streaming streaming
                        && (streaming.status() == 404 || streaming.status() == 410)) {
                    absent.put(target, Boolean.TRUE);
                    metrics.prefetched("absent");
                } else {
                    metrics.prefetched("failed");
                }
            });
        }
    }

    /** The key of the segment {@code ahead} after {@code key}, keeping the number's zero padding. */
    static Optional<String> next(String key, int ahead) {
        Matcher m = SEGMENT.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        String digits = m.group(2);
        long number = Long.parseLong(digits) + ahead;
        String formatted = String.format("%0" + digits.length() + "d", number);
        return Optional.of(m.group(1) + formatted + m.group(3));
    }
}
