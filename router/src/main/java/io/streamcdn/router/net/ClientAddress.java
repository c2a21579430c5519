package io.streamcdn.router.net;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who the viewer is: the connection's peer, unless that peer is a trusted proxy (a load balancer in front
 * of the router), in which case {@code X-Forwarded-For} is read from the right, skipping trusted hops, and
 * the first untrusted address is the viewer. A client cannot choose its own location by sending the header:
 * from an untrusted peer it is ignored.
 */
public final class ClientAddress {

    private final List<Cidr> trustedProxies;

    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** The outcome: the viewer's address, or why the request names none usable. */
    public sealed interface Result permits Found, Bad {
    }

    public record Found(InetAddress address) implements Result {
    }

    public record Bad(String reason) implements Result {
    }

    public Result resolve(String peer, String forwardedFor) {
        Optional<InetAddress> connection = Cidr.literal(peer);
        if (connection.isEmpty()) {
            return new Bad("the connection's address '" + peer + "' is not an IP address");
        }
        InetAddress current = connection.get();
        if (forwardedFor == null || !trusted(current)) {
            return new Found(current);
        }
        // Hops from the right, walked by index: a proxy adds one hop, so the header is split per request, and
        // String.split's array and substrings were a visible share of a redirect's time.
        int end = forwardedFor.length();
        while (end > 0 && forwardedFor.charAt(end - 1) == ',') {
            end--; // trailing empty hops are ignored, as they always were (String.split drops them)
        }
        if (end == 0 && !forwardedFor.isEmpty()) {
            return new Found(current);
        }
        while (end >= 0) {
            int comma = forwardedFor.lastIndexOf(',', end - 1);
            String raw = forwardedFor.substring(comma + 1, end).strip();
            Optional<InetAddress> address = Cidr.literal(stripPort(raw));
            if (address.isEmpty()) {
                return new Bad("X-Forwarded-For holds '" + raw + "', which is not an IP address");
            }
            current = address.get();
            if (!trusted(current)) {
                return new Found(current);
            }
            end = comma;
        }
        return new Found(current);
    }

    private boolean trusted(InetAddress address) {
        byte[] bytes = address.getAddress(); // a copy each call: taken once, not once per network
        for (Cidr network : trustedProxies) {
            if (network.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** {@code 192.0.2.1:5000} and {@code [2001:db8::1]:5000} carry a port some proxies add. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[") && hop.contains("]")) {
            return hop.substring(1, hop.indexOf(']'));
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0 && hop.contains(".")) {
            return hop.substring(0, colon);
        }
        return hop;
    }
}
