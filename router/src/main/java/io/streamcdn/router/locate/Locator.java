package io.streamcdn.router.locate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.routing.Viewer;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Where a viewer is: a coverage-zone entry first (the operator's own knowledge), then GeoIP, and for
 * private, loopback and unknown addresses the default location (if one is configured).
 */
public final class Locator {

    private final CoverageZones zones;
    private final Optional<GeoIp> geoIp;
    private final Optional<GeoPoint> defaultLocation;
    /**
     * Viewers come back (every segment, every few seconds): their location is remembered, so the GeoIP record
     * is decoded once per address rather than per request. The zone file and database do not change while the
     * router runs, so entries never go stale; the bound keeps memory flat.
     */
    private final Cache<InetAddress, Viewer> recent = Caffeine.newBuilder().maximumSize(100_000)
            .executor(Runnable::run).build();

    public Locator(CoverageZones zones, Optional<GeoIp> geoIp, Optional<GeoPoint> defaultLocation) {
        this.zones = zones;
        this.geoIp = geoIp;
        this.defaultLocation = defaultLocation;
    }

    public Viewer locate(InetAddress address) {
        Viewer known = recent.getIfPresent(address); // the usual case: no mapping function to build or call
        return known != null ? known : recent.get(address, this::lookUp);
    }

    private Viewer lookUp(InetAddress address) {
        Optional<CoverageZones.Match> zone = zones.find(address);
        Optional<GeoPoint> geo = isPublic(address) ? geoIp.flatMap(g -> g.locate(address)) : Optional.empty();
        if (zone.isPresent()) {
            Optional<GeoPoint> location = zone.get().location().or(() -> geo).or(() -> defaultLocation);
            return new Viewer(address, location, Optional.of(zone.get().zone()), Viewer.Source.COVERAGE_ZONE);
        }
        if (geo.isPresent()) {
            return new Viewer(address, geo, Optional.empty(), Viewer.Source.GEOIP);
        }
        return new Viewer(address, defaultLocation, Optional.empty(), Viewer.Source.DEFAULT);
    }

    private static boolean isPublic(InetAddress address) {
        return !(address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()
                || (address.getAddress().length == 16 && (address.getAddress()[0] & 0xfe) == 0xfc)); // fc00::/7
    }
}
