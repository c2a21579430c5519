package io.streamcdn.router.routing;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The router's decision, shared by its HTTP and DNS front ends: where a viewer is, and which available edges
 * should serve it, best first. Thread-safe and non-blocking (in-memory lookups only).
 */
public interface Routing {

    /** Locates {@code client}: coverage zones first, then GeoIP, else the default location. */
    Viewer locate(InetAddress client);

    /**
     * The available edges for {@code viewer}, best first, for content {@code key} (a video id; DNS uses the
     * queried name). Empty when no edge is available.
     */
    List<RankedEdge> rank(Viewer viewer, String key);

    /**
     * The first of {@link #rank}, or empty when no edge is available: what a redirect needs, without ordering the
     * edges that come after it.
     */
    default Optional<RankedEdge> best(Viewer viewer, String key) {
        List<RankedEdge> ranked = rank(viewer, key);
        return ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0));
    }
}
