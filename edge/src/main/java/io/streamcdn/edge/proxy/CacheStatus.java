package io.streamcdn.edge.proxy;

import java.util.Locale;

/** The {@code X-Cache} value of a response: where its body came from. */
public enum CacheStatus {
    /** From the cache, fresh. */
    HIT,
    /** Fetched from the upstream (or the upstream's error, when nothing was cached). */
    MISS,
    /** From the cache, past its freshness, because the upstream failed (stale-if-error). */
    STALE,
    /** From the cache after the upstream confirmed it is still current (a 304). */
    REVALIDATED;

    /** The metric label: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
