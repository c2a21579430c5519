package io.streamcdn.edge.registration;

import io.streamcdn.common.GeoPoint;
import io.streamcdn.edge.EdgeConfig;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One announcement from an edge to the router: who it is, where viewers reach it, what it can carry and what
 * it carries now. {@link #toJson()} is the wire contract (README.md, "Router registration: the heartbeat contract"); {@link #CONTRACT} is
 * raised only when a field changes meaning or disappears, never for an added field, so a router can accept
 * beats from edges of other versions.
 *
 * @param name                   the edge's name, unique among the router's edges
 * @param url                    the base URL viewers reach the edge at
 * @param location               where the edge is, if configured
 * @param capacityConnections    the open connections the edge is meant to hold
 * @param capacityBitsPerSecond  the outgoing bits per second the edge is meant to serve
 * @param load                   the load when the beat was made
 * @param version                the streamcdn version the edge runs
 * @param interval               how often the edge beats
 * @param sentAt                 when the beat was made, by the edge's clock
 */
public record Heartbeat(String name, String url, Optional<GeoPoint> location, int capacityConnections,
                        long capacityBitsPerSecond, EdgeLoad load, String version, Duration interval,
                        Instant sentAt) {

    /** The version of the JSON contract, sent as {@code "contract"}. */
    public static final int CONTRACT = 1;

    public Heartbeat {
        if (capacityConnections < 1 || capacityBitsPerSecond < 1) {
            throw new IllegalArgumentException("capacities are at least 1, not " + capacityConnections
                    + " connections and " + capacityBitsPerSecond + " bit/s");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a heartbeat interval is positive, not " + interval);
        }
    }

    /**
     * The beat an edge sends now. Capacity in Mbps is decimal (1 Mbps = 1,000,000 bit/s), as links are sold.
     *
     * @param version  {@link io.streamcdn.common.Version#current()}, read once: it reads a resource from a jar
     */
    public static Heartbeat of(EdgeConfig config, EdgeLoad load, String version, Duration interval, Instant now) {
        return new Heartbeat(config.name(), config.publicUrl(), config.location(), config.capacityConnections(),
                Math.multiplyExact(config.capacityMbps(), 1_000_000L), load, version, interval,
                now.truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * How full the edge is: the larger of its connection and bandwidth shares, so an edge near either limit
     * looks busy. 0 is idle, 1 is at capacity; above 1 the edge is over what it announced (not clamped, so
     * the router can tell "full" from "overloaded").
     */
    public double loadRatio() {
        return Math.max((double) load.openConnections() / capacityConnections,
                (double) load.bitsPerSecondOut() / capacityBitsPerSecond);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("contract", CONTRACT)
                .put("name", name)
                .put("url", url);
        location.ifPresent(point -> json.put("location",
                new JsonObject().put("lat", point.latitude()).put("lon", point.longitude())));
        return json
                .put("capacity", new JsonObject()
                        .put("connections", capacityConnections)
                        .put("bitsPerSecond", capacityBitsPerSecond))
                .put("load", new JsonObject()
                        .put("connections", load.openConnections())
                        .put("bitsPerSecond", load.bitsPerSecondOut())
                        .put("ratio", loadRatio()))
                .put("cache", new JsonObject()
                        .put("bytes", load.cacheBytes())
                        .put("maxBytes", load.cacheMaxBytes())
                        .put("entries", load.cacheEntries()))
                .put("version", version)
                .put("intervalSeconds", interval.toMillis() / 1000.0)
                .put("sentAt", sentAt.toString());
    }
}
