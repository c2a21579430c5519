package io.streamcdn.router.dns;

import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.net.Cidr;
import io.streamcdn.router.routing.Edge;
import io.streamcdn.router.routing.RankedEdge;
import io.streamcdn.router.routing.Routing;
import io.streamcdn.router.routing.Viewer;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the real routing, small enough to read at a glance: viewers in 81.2.69.0/24 are in Europe and
 * get the European edge first, everyone else gets the American edge first. It records what the DNS server
 * asked, so tests can see which address a query was located by and which key it was ranked for.
 */
final class TwoRegionRouting implements Routing {

    static final Cidr EUROPE = Cidr.parse("81.2.69.0/24");
    static final GeoPoint AMSTERDAM = new GeoPoint(52.37, 4.89);
    static final GeoPoint NEW_YORK = new GeoPoint(40.71, -74.01);

    final List<InetAddress> located = new CopyOnWriteArrayList<>();
    final List<String> keys = new CopyOnWriteArrayList<>();
    private final Edge europe;
    private final Edge america;

    TwoRegionRouting(Edge europe, Edge america) {
        this.europe = europe;
        this.america = america;
    }

    /** Amsterdam on 192.0.2.10 and 2001:db8::10; New York on 198.51.100.20 only. */
    static TwoRegionRouting standard() {
        return new TwoRegionRouting(edge("ams", AMSTERDAM, "192.0.2.10", "2001:db8::10"),
                edge("nyc", NEW_YORK, "198.51.100.20"));
    }

    static Edge edge(String name, GeoPoint location, String... addresses) {
        return new Edge(name, URI.create("http://" + name + ".edges.example:8080"), Optional.of(location),
                Optional.empty(), java.util.Arrays.stream(addresses).map(a -> Cidr.literal(a).orElseThrow()).toList(),
                1000, 10_000_000_000L);
    }

    @Override
    public Viewer locate(InetAddress client) {
        located.add(client);
        boolean inEurope = EUROPE.contains(client);
        return new Viewer(client, Optional.of(inEurope ? AMSTERDAM : NEW_YORK), Optional.empty(),
                Viewer.Source.GEOIP);
    }

    @Override
    public List<RankedEdge> rank(Viewer viewer, String key) {
        keys.add(key);
        boolean inEurope = viewer.location().orElseThrow().equals(AMSTERDAM);
        Edge first = inEurope ? europe : america;
        Edge second = inEurope ? america : europe;
        return List.of(new RankedEdge(first, 10, 0.1, "nearest"), new RankedEdge(second, 5800, 0.1, "farther"));
    }
}
