package io.streamcdn.edge;

import io.streamcdn.edge.cache.DiskCache;
import io.streamcdn.edge.proxy.ProxyMetrics;
import io.streamcdn.edge.registration.EdgeLoad;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The edge's current load for its heartbeat: open connections now, and the outgoing bit rate averaged
 * since the previous reading (one heartbeat interval), from the body bytes the proxy has sent.
 */
final class LoadMeter implements Supplier<EdgeLoad> {

    private final AtomicInteger connections;
    private final ProxyMetrics metrics;
    private final DiskCache cache;
    private long lastNanos = System.nanoTime();
    private long lastBytes;

    LoadMeter(AtomicInteger connections, ProxyMetrics metrics, DiskCache cache) {
        this.connections = connections;
        this.metrics = metrics;
        this.cache = cache;
        this.lastBytes = metrics.bytesSent();
    }

    @Override
    public synchronized EdgeLoad get() {
        long now = System.nanoTime();
        long bytes = metrics.bytesSent();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        long bitsPerSecond = Math.round((bytes - lastBytes) * 8 / seconds);
        lastNanos = now;
        lastBytes = bytes;
        return new EdgeLoad(Math.max(0, connections.get()), Math.max(0, bitsPerSecond), cache.bytes(),
                cache.maxBytes(), cache.entries());
    }
}
