package io.streamcdn.router.locate;

import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.net.Cidr;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Traffic Router's coverage zone map: networks an operator knows the place of, each mapped to a zone,
 * checked before GeoIP. The most specific network containing an address wins (IPv4 and IPv6). The file is
 * Traffic Router's format:
 * <pre>{@code
 * {"coverageZones": {
 *    "eu-west": {"network": ["81.2.69.0/24"], "network6": ["2001:db8:1::/48"],
 *                "coordinates": {"latitude": 51.5, "longitude": -0.12}}}}
 * }</pre>
 * {@code coordinates} are optional: without them a viewer in the zone is sent to the zone's edges, and
 * GeoIP still gives its location for ranking the others.
 */
public final class CoverageZones {

    /** A zone's answer for one address. */
    public record Match(String zone, Optional<GeoPoint> location) {
    }

    private record Network(Cidr cidr, Match match) {
    }

    private final List<Network> networks;

    private CoverageZones(List<Network> networks) {
        this.networks = networks.stream()
                .sorted(Comparator.comparingInt((Network n) -> n.cidr().prefixLength()).reversed())
                .toList();
    }

    public static CoverageZones none() {
        return new CoverageZones(List.of());
    }

    /** Parses the file's JSON; IllegalArgumentException naming the zone and entry for anything malformed. */
    public static CoverageZones parse(JsonObject json) {
        if (!(json.getValue("coverageZones") instanceof JsonObject zones)) {
            throw new IllegalArgumentException("the file must be {\"coverageZones\": {\"<zone>\": {\"network\": [...]}}}");
        }
        List<Network> networks = new ArrayList<>();
        for (String zone : zones.fieldNames()) {
            if (!(zones.getValue(zone) instanceof JsonObject entry)) {
                throw new IllegalArgumentException("zone " + zone + " is not an object");
            }
            Optional<GeoPoint> location = Optional.empty();
            if (entry.getValue("coordinates") instanceof JsonObject c) {
                if (!(c.getValue("latitude") instanceof Number lat) || !(c.getValue("longitude") instanceof Number lon)) {
                    throw new IllegalArgumentException("zone " + zone + ": coordinates need latitude and longitude");
                }
                location = Optional.of(new GeoPoint(lat.doubleValue(), lon.doubleValue()));
            }
            Match match = new Match(zone, location);
            for (String key : new String[]{"network", "network6"}) {
                Object list = entry.getValue(key);
                if (list == null) {
                    continue;
                }
                if (!(list instanceof JsonArray items)) {
                    throw new IllegalArgumentException("zone " + zone + ": " + key + " must be a list of networks");
                }
                for (Object item : items) {
                    try {
                        networks.add(new Network(Cidr.parse(String.valueOf(item)), match));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("zone " + zone + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return new CoverageZones(networks);
    }

    /** The zone of the most specific network containing {@code address}. */
    public Optional<Match> find(InetAddress address) {
        for (Network network : networks) {
            if (network.cidr().contains(address)) {
                return Optional.of(network.match());
            }
        }
        return Optional.empty();
    }
}
