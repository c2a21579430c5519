package io.streamcdn.edge.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's meters. Labels are fixed, small sets (cache status, upstream outcome, prefetch outcome):
 * never a path or a video id.
 * <pre>
 *   streamcdn_edge_requests_total{cache}              responses by X-Cache status
 *   streamcdn_edge_response_bytes_total{cache}        body bytes sent, by X-Cache status
 *   streamcdn_edge_upstream_requests_total{outcome}   ok, not_modified, not_found, client_error, server_error,
 *                                                     unreachable, timeout
 *   streamcdn_edge_upstream_latency_seconds           time to the upstream's response headers (histogram)
 *   streamcdn_edge_upstream_broken_total              bodies the upstream broke off
 *   streamcdn_edge_upstream_bytes_total               body bytes received whole from upstreams
 *   streamcdn_edge_stored_total / _stored_bytes_total objects written into the cache
 *   streamcdn_edge_coalesced_requests_total           requests that joined a fetch already in flight
 *   streamcdn_edge_waiting_requests                   requests now waiting on or reading from a fetch
 *   streamcdn_edge_prefetch_total{outcome}            stored, absent, failed, skipped
 *   streamcdn_edge_prefetch_hits_total                first requests for an object prefetch stored
 * </pre>
 */
public final class ProxyMetrics {

    private final MeterRegistry registry;
    private final Map<CacheStatus, Counter> requests = new EnumMap<>(CacheStatus.class);
    private final Map<CacheStatus, Counter> bytes = new EnumMap<>(CacheStatus.class);
    private final Map<String, Counter> upstream = new ConcurrentHashMap<>();
    private final Map<String, Counter> prefetch = new ConcurrentHashMap<>();
    private final Timer upstreamLatency;
    private final Counter upstreamBroken;
    private final Counter upstreamBytes;
    private final Counter stored;
    private final Counter storedBytes;
    private final Counter coalesced;
    private final Counter prefetchHits;
    private final AtomicInteger waiting = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytesSent = new java.util.concurrent.atomic.AtomicLong();

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (CacheStatus status : CacheStatus.values()) {
            requests.put(status, Counter.builder("streamcdn.edge.requests").tag("cache", status.label())
                    .description("Responses to /videos requests, by X-Cache status").register(registry));
            bytes.put(status, Counter.builder("streamcdn.edge.response.bytes").tag("cache", status.label())
                    .baseUnit("bytes").description("Body bytes sent to viewers, by X-Cache status").register(registry));
        }
        upstreamLatency = Timer.builder("streamcdn.edge.upstream.latency")
                .description("Time from sending an upstream request to its response headers")
                .publishPercentileHistogram()
                .register(registry);
        upstreamBroken = Counter.builder("streamcdn.edge.upstream.broken")
                .description("Upstream bodies that broke off before their end (nothing stored)").register(registry);
        upstreamBytes = Counter.builder("streamcdn.edge.upstream.bytes").baseUnit("bytes")
                .description("Body bytes received whole from upstreams").register(registry);
        stored = Counter.builder("streamcdn.edge.stored").description("Objects written into the cache")
                .register(registry);
        storedBytes = Counter.builder("streamcdn.edge.stored.bytes").baseUnit("bytes")
                .description("Bytes written into the cache").register(registry);
        coalesced = Counter.builder("streamcdn.edge.coalesced.requests")
                .description("Requests that joined an upstream fetch already in flight instead of starting one")
                .register(registry);
        prefetchHits = Counter.builder("streamcdn.edge.prefetch.hits")
                .description("First viewer requests for objects that prefetch had stored").register(registry);
        registry.gauge("streamcdn.edge.waiting.requests", waiting);
        for (String outcome : new String[]{"stored", "absent", "failed", "skipped"}) {
            prefetchCounter(outcome);
        }
        for (String outcome : new String[]{"ok", "not_modified", "not_found", "client_error", "server_error",
                "unreachable", "timeout"}) {
            upstreamCounter(outcome);
        }
    }

    public void served(CacheStatus status, long bodyBytes) {
        requests.get(status).increment();
        if (bodyBytes > 0) {
            bytes.get(status).increment(bodyBytes);
            bytesSent.addAndGet(bodyBytes);
        }
    }

    /** Body bytes sent to viewers since start, all statuses: what the edge's outgoing rate is measured from. */
    public long bytesSent() {
        return bytesSent.get();
    }

    void upstreamAnswered(int status, long nanos) {
        upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
        String outcome = status == 304 ? "not_modified" : status == 404 || status == 410 ? "not_found"
                : status >= 500 ? "server_error" : status >= 400 ? "client_error" : "ok";
        upstreamCounter(outcome).increment();
    }

    void upstreamFailed(Upstream.Failure failure, long nanos) {
        upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
        upstreamCounter(failure == Upstream.Failure.TIMEOUT ? "timeout" : "unreachable").increment();
    }

    void upstreamBroken() {
        upstreamBroken.increment();
    }

    void upstreamBytes(long count) {
        upstreamBytes.increment(count);
    }

    void stored(long length) {
        stored.increment();
        storedBytes.increment(length);
    }

    void coalesced() {
        coalesced.increment();
    }

    void waiting(int delta) {
        waiting.addAndGet(delta);
    }

    void prefetched(String outcome) {
        prefetchCounter(outcome).increment();
    }

    void prefetchHit() {
        prefetchHits.increment();
    }

    private Counter upstreamCounter(String outcome) {
        return upstream.computeIfAbsent(outcome, o -> Counter.builder("streamcdn.edge.upstream.requests")
                .tag("outcome", o).description("Upstream requests, by outcome").register(registry));
    }

    private Counter prefetchCounter(String outcome) {
        return prefetch.computeIfAbsent(outcome, o -> Counter.builder("streamcdn.edge.prefetch")
                .tag("outcome", o).description("Segments fetched ahead of viewers, by outcome").register(registry));
    }
}
