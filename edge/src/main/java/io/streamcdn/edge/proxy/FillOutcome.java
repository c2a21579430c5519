package io.streamcdn.edge.proxy;

import io.streamcdn.edge.cache.CacheEntry;
import io.streamcdn.edge.cache.Freshness;

import java.util.List;
import java.util.Map;

/** How an upstream exchange began, once its response headers arrived (or never did). */
public sealed interface FillOutcome {

    /**
     * The upstream is sending a body (any status but 304 and 5xx), which the fill writes to a file that
     * every waiting viewer reads as it grows.
     *
     * @param headers  the end-to-end headers to pass on, hop-by-hop ones removed
     * @param length   the body's length, or -1 when the upstream did not say
     */
    record Streaming(int status, List<Map.Entry<String, String>> headers, long length, Freshness freshness)
            implements FillOutcome {
    }

    /** A revalidation came back 304: the entry is current again, with refreshed metadata. */
    record NotModified(CacheEntry entry) implements FillOutcome {
    }

    /**
     * No usable response: the upstream could not be reached, was too slow, or answered 5xx.
     *
     * @param status  what to tell the viewer when nothing stale can be served: 502 or 504
     * @param error   a stable code: {@code upstream_unreachable}, {@code upstream_timeout}, {@code upstream_error}
     * @param reason  for a person
     */
    record Failed(int status, String error, String reason) implements FillOutcome {
    }
}
