package io.streamcdn.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.buffer.Buffer;

/**
 * Small cached bodies (manifests, init segments, short objects) also kept in memory, so the most
 * requested objects cost no file open per request. Bounded by bytes, with Caffeine's policy like the
 * disk cache. Keyed by {@link CacheEntry} identity: a replaced or purged entry's bytes can never be
 * served (lookups go through the current entry) and simply age out.
 */
public final class HotObjects {

    /** Bodies up to this size are kept in memory. */
    public static final int MAX_OBJECT_BYTES = 128 * 1024;

    private final Cache<CacheEntry, Buffer> bodies;

    public HotObjects(long maxBytes) {
        this.bodies = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheEntry entry, Buffer body) -> body.length())
                .executor(Runnable::run) // in-memory upkeep only: cheap enough for the caller's thread
                .build();
    }

    public static boolean fits(long length) {
        return length <= MAX_OBJECT_BYTES;
    }

    /** The body of {@code entry} when it is in memory, else null. */
    public Buffer get(CacheEntry entry) {
        return bodies.getIfPresent(entry);
    }

    public void put(CacheEntry entry, Buffer body) {
        if (fits(body.length()) && body.length() == entry.response().length()) {
            bodies.put(entry, body);
        }
    }

    public long bytes() {
        return bodies.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
