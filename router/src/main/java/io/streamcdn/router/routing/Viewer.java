package io.streamcdn.router.routing;

import io.streamcdn.common.GeoPoint;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A viewer as the router sees it: its address, and where that address is.
 *
 * @param address   the client address (the connection's, or X-Forwarded-For from a trusted proxy, or an ECS subnet)
 * @param location  where it is, when anything knows (coverage zone data carries none; GeoIP or the default does)
 * @param zone      the coverage zone its address falls in, if any
 * @param source    what located it
 */
public record Viewer(InetAddress address, Optional<GeoPoint> location, Optional<String> zone, Source source) {

    /** What located a viewer. */
    public enum Source {
        /** A coverage-zone entry (the most specific prefix that contains the address). */
        COVERAGE_ZONE,
        /** The GeoIP database. */
        GEOIP,
        /** Nothing knew the address (private, loopback or unknown): {@code --default-location}, if set. */
        DEFAULT
    }
}
