package io.streamcdn.router.registry;

import io.streamcdn.common.EdgeNameSyntax;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.net.Cidr;
import io.streamcdn.router.routing.Edge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an edge's description from JSON: one entry of the {@code --edges} file, or a heartbeat (the edge's
 * contract 1, see README). Both share the fields {@code name}, {@code url}, {@code location {lat, lon}},
 * {@code capacity {connections, bitsPerSecond}}; the file (and, optionally, a heartbeat) may add {@code zone}
 * and {@code addresses} (IP literals DNS answers with; by default the URL's host when it is a literal).
 * Anything malformed is an {@link IllegalArgumentException} whose message says which field and why.
 */
public final class EdgeDescription {

    static final long DEFAULT_CONNECTIONS = 10_000;
    static final long DEFAULT_BITS_PER_SECOND = 1_000_000_000L;

    private EdgeDescription() {
    }

    /** A heartbeat body plus the load it reports. */
    public record Heartbeat(Edge edge, double load, long connections, long bitsPerSecond) {
    }

    public static Edge parse(JsonObject json) {
        String name = string(json, "name");
        if (!EdgeNameSyntax.isValid(name)) {
            throw new IllegalArgumentException("name '" + name + "' is not an edge name (letters, digits, . _ -)");
        }
        URI url = url(string(json, "url"));
        Optional<GeoPoint> location = Optional.empty();
        Object rawLocation = json.getValue("location");
        if (rawLocation instanceof JsonObject point) {
            location = Optional.of(new GeoPoint(number(point, "lat"), number(point, "lon")));
        } else if (rawLocation instanceof String text) {
            location = Optional.of(GeoPoint.parse(text));
        } else if (rawLocation != null) {
            throw new IllegalArgumentException("location must be {\"lat\": .., \"lon\": ..}");
        }
        Optional<String> zone = Optional.ofNullable(json.getValue("zone")).map(z -> {
            if (!(z instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException("zone must be a non-empty string");
            }
            return s.strip();
        });
        List<InetAddress> addresses = new ArrayList<>();
        Object rawAddresses = json.getValue("addresses");
        if (rawAddresses instanceof JsonArray list) {
            for (Object item : list) {
                addresses.add(Cidr.literal(String.valueOf(item)).orElseThrow(() ->
                        new IllegalArgumentException("addresses: '" + item + "' is not an IP address")));
            }
        } else if (rawAddresses != null) {
            throw new IllegalArgumentException("addresses must be a list of IP addresses");
        } else {
            Cidr.literal(url.getHost()).ifPresent(addresses::add);
        }
        long connections = DEFAULT_CONNECTIONS;
        long bits = DEFAULT_BITS_PER_SECOND;
        if (json.getValue("capacity") instanceof JsonObject capacity) {
            connections = positive(capacity, "connections", DEFAULT_CONNECTIONS);
            bits = positive(capacity, "bitsPerSecond", DEFAULT_BITS_PER_SECOND);
        }
        return new Edge(name, url, location, zone, addresses, connections, bits);
    }

    /** A heartbeat for edge {@code pathName} (the name in its URL, which the body must repeat). */
    public static Heartbeat heartbeat(String pathName, JsonObject json) {
        Object contract = json.getValue("contract");
        if (!(contract instanceof Number n) || n.intValue() != 1) {
            throw new IllegalArgumentException("contract must be 1 (this router speaks heartbeat contract 1)");
        }
        Edge edge = parse(json);
        if (!edge.name().equals(pathName)) {
            throw new IllegalArgumentException("the body's name '" + edge.name() + "' is not the URL's '" + pathName + "'");
        }
        double load = 0;
        long connections = 0;
        long bits = 0;
        if (json.getValue("load") instanceof JsonObject reported) {
            load = Math.max(0, reported.getValue("ratio") instanceof Number r ? r.doubleValue() : 0);
            connections = Math.max(0, reported.getValue("connections") instanceof Number c ? c.longValue() : 0);
            bits = Math.max(0, reported.getValue("bitsPerSecond") instanceof Number b ? b.longValue() : 0);
        }
        return new Heartbeat(edge, load, connections, bits);
    }

    /** The {@code --edges} file: {@code {"edges": [ ... ]}}. */
    public static List<Edge> file(JsonObject json) {
        if (!(json.getValue("edges") instanceof JsonArray list)) {
            throw new IllegalArgumentException("the file must be {\"edges\": [ ... ]}");
        }
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof JsonObject entry)) {
                throw new IllegalArgumentException("edges[" + i + "] is not an object");
            }
            try {
                edges.add(parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("edges[" + i + "]: " + e.getMessage(), e);
            }
        }
        return edges;
    }

    private static String string(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof String value) || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required (a string)");
        }
        return value.strip();
    }

    private static double number(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof Number value)) {
            throw new IllegalArgumentException("location." + field + " must be a number");
        }
        return value.doubleValue();
    }

    private static long positive(JsonObject json, String field, long fallback) {
        Object value = json.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.longValue() < 1) {
            throw new IllegalArgumentException("capacity." + field + " must be a positive number");
        }
        return n.longValue();
    }

    private static URI url(String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getQuery() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new IllegalArgumentException("url '" + text + "' is not an absolute http(s) URL");
    }
}
