package io.streamcdn.edge.proxy;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which upstream response headers an edge passes on and stores. Hop-by-hop headers (RFC 9110 §7.6.1, and
 * any the {@code Connection} header names) describe one connection, not the response. The edge writes its
 * own framing ({@code Content-Length}), {@code Date}, {@code Age}, {@code X-Cache} and CORS headers, and
 * never shares a {@code Set-Cookie} meant for one client.
 */
final class EndToEndHeaders {

    private static final Set<String> DROPPED = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length", "date", "age", "x-cache", "set-cookie",
            "set-cookie2");

    private EndToEndHeaders() {
    }

    static List<Map.Entry<String, String>> of(MultiMap upstream) {
        Set<String> named = new HashSet<>();
        for (String connection : upstream.getAll("Connection")) {
            for (String token : connection.split(",")) {
                named.add(token.strip().toLowerCase(Locale.ROOT));
            }
        }
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        for (Map.Entry<String, String> header : upstream) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!DROPPED.contains(name) && !named.contains(name) && !name.startsWith("access-control-")) {
                kept.add(Map.entry(header.getKey(), header.getValue()));
            }
        }
        return kept;
    }

    static String get(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
