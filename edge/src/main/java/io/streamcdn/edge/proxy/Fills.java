package io.streamcdn.edge.proxy;

import io.streamcdn.edge.cache.CacheEntry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fills in flight, one per cache key: a viewer who needs an object that is already being fetched
 * joins that fetch instead of starting another, so any number of concurrent misses cost one upstream
 * request.
 */
public final class Fills {

    private final Fill.Setup setup;
    private final ConcurrentHashMap<String, Fill> inFlight = new ConcurrentHashMap<>();

    public Fills(Fill.Setup setup) {
        this.setup = setup;
    }

    /** A fill a viewer joined: {@code started} when this call started it, false when it was coalesced. */
    public record Joined(Fill fill, boolean started) {
    }

    /**
     * Joins the fill for {@code key} as a reader, starting one (on the current context) when none is in
     * flight. The caller must call {@link Fill#removeReader()} when done with it.
     *
     * @param revalidating  the stale entry to revalidate, or null for a miss
     */
    public Joined join(String key, CacheEntry revalidating, Map<String, String> upstreamHeaders) {
        while (true) {
            boolean[] created = {false};
            Fill fill = inFlight.computeIfAbsent(key, k -> {
                created[0] = true;
                return newFill(k, revalidating, false);
            });
            if (fill.addReader()) {
                if (created[0]) {
                    fill.start(upstreamHeaders);
                }
                return new Joined(fill, created[0]);
            }
            inFlight.remove(key, fill); // finished but not yet unregistered: start afresh
        }
    }

    /** Starts a reader-less fill for {@code key} (prefetch); null when one is already in flight. */
    public Fill prefetch(String key, Map<String, String> upstreamHeaders) {
        boolean[] created = {false};
        Fill fill = inFlight.computeIfAbsent(key, k -> {
            created[0] = true;
            return newFill(k, null, true);
        });
        if (!created[0]) {
            return null;
        }
        fill.start(upstreamHeaders);
        return fill;
    }

    public boolean inFlight(String key) {
        return inFlight.containsKey(key);
    }

    /** Keeps every fill under {@code prefix} from being stored (its video is being purged). */
    public int purge(String prefix) {
        int count = 0;
        for (Map.Entry<String, Fill> entry : inFlight.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                entry.getValue().doNotStore();
                count++;
            }
        }
        return count;
    }

    private Fill newFill(String key, CacheEntry revalidating, boolean prefetch) {
        Fill[] self = new Fill[1];
        self[0] = new Fill(setup, key, revalidating, prefetch, () -> inFlight.remove(key, self[0]));
        return self[0];
    }
}
