package io.streamcdn.router.routing;

import io.streamcdn.common.GeoPoint;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * An edge as the router knows it: where viewers reach it, where it is, and how much it is meant to carry.
 *
 * @param name                   its unique name ({@code --name} on the edge)
 * @param url                    the base URL viewers are sent to, without a trailing slash
 * @param location               where it is, when known (ranks it by distance)
 * @param zone                   the coverage zone it serves, when configured (viewers of that zone go to it first)
 * @param addresses              the IP addresses DNS answers with (from the static file, or the URL's host)
 * @param capacityConnections    connections it is meant to hold
 * @param capacityBitsPerSecond  bandwidth it is meant to serve
 */
public record Edge(String name, URI url, Optional<GeoPoint> location, Optional<String> zone,
                   List<InetAddress> addresses, long capacityConnections, long capacityBitsPerSecond) {

    public Edge {
        addresses = List.copyOf(addresses);
    }
}
