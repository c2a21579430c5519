package io.streamcdn.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import io.streamcdn.common.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which web pages may read a role's responses: players on other sites fetch manifests and segments
 * with {@code fetch}/XHR, so every response carries {@code Access-Control-Allow-Origin}.
 *
 * <p>With {@code *} (the default) the header is sent on every response, with or without an {@code Origin}
 * request header: a CDN may cache the first response it sees and serve it to every page, so the answer
 * must not depend on who asked. With a list of origins the request's {@code Origin} is echoed when
 * listed, and {@code Vary: Origin} tells caches the answer depends on it.
 */
public final class CorsPolicy {

    /** How long a browser may reuse a preflight answer. */
    static final String PREFLIGHT_MAX_AGE_SECONDS = "86400";

    private static final Pattern WEB_ORIGIN = Pattern.compile(
            "https?://[A-Za-z0-9.-]+(:\\d{1,5})?|https?://\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");

    private static final CharSequence ANY = HttpHeaders.createOptimized("*");

    private final List<String> origins;
    private final boolean anyOrigin;

    /** @param origins {@code ["*"]}, or origins as browsers send them ({@code https://example.com:8443}) */
    public CorsPolicy(List<String> origins) {
        this.origins = List.copyOf(origins);
        this.anyOrigin = this.origins.equals(List.of("*"));
    }

    /**
     * Checks {@code --cors-origins} as parsed: {@code ["*"]}, or web origins ({@code scheme://host[:port]}, no
     * path), lower-cased. Refuses an empty list and {@code *} mixed with origins.
     */
    public static List<String> normalizeOrigins(List<String> origins) {
        ConfigException.require(origins != null && !origins.isEmpty(),
                "--cors-origins is empty; give * or a comma-separated list like https://example.com");
        List<String> normalized = new ArrayList<>();
        for (String origin : origins) {
            String value = origin == null ? "" : origin.strip();
            if (value.equals("*")) {
                ConfigException.require(origins.size() == 1,
                        "--cors-origins '%s' mixes * with origins; give * alone, or only origins",
                        String.join(",", origins));
                return List.of("*");
            }
            ConfigException.require(WEB_ORIGIN.matcher(value).matches(),
                    "--cors-origins: '%s' is not a web origin; write scheme://host[:port] with no path, "
                            + "like https://example.com", origin);
            normalized.add(value.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(normalized);
    }

    /** {@code --cors-origins} as written, {@code *} or {@code a, b}, split into its parts (not yet checked). */
    public static List<String> splitOrigins(String commaSeparated) {
        List<String> origins = new ArrayList<>();
        for (String part : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            if (!part.isBlank()) {
                origins.add(part.strip());
            }
        }
        return origins;
    }

    /** The value of {@code Access-Control-Allow-Origin} for a request from {@code origin}; null for none. */
    public String allowOrigin(String origin) {
        if (anyOrigin) {
            return "*";
        }
        return origin != null && origins.contains(origin) ? origin : null;
    }

    /** Adds the CORS headers of an actual (non-preflight) response. */
    public void decorate(HttpServerRequest request, HttpServerResponse response, String exposeHeaders) {
        if (anyOrigin) { // the usual case, on every response: no Origin lookup, and the constant as an AsciiString
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ANY);
            response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
            return;
        }
        String allow = allowOrigin(request.getHeader(HttpHeaders.ORIGIN));
        if (!anyOrigin) {
            response.headers().add(HttpHeaders.VARY, "Origin");
        }
        if (allow != null) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allow);
            response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
        }
    }

    /** A route handler that decorates the response, then passes the request on. */
    public Handler<RoutingContext> responses(String exposeHeaders) {
        return ctx -> {
            decorate(ctx.request(), ctx.response(), exposeHeaders);
            ctx.next();
        };
    }

    /**
     * Answers {@code OPTIONS}: a preflight ({@code Access-Control-Request-Method} present) learns the
     * methods and request headers it may use; a plain OPTIONS learns {@code Allow}. Both get 204.
     */
    public Handler<RoutingContext> preflight(String methods, String allowHeaders) {
        return ctx -> {
            HttpServerResponse response = ctx.response();
            response.putHeader(HttpHeaders.ALLOW, methods);
            boolean isPreflight = ctx.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
            String allow = allowOrigin(ctx.request().getHeader(HttpHeaders.ORIGIN));
            if (!anyOrigin) {
                response.headers().add(HttpHeaders.VARY, "Origin");
            }
            if (isPreflight && allow != null) {
                response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allow)
                        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
                        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders)
                        .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
            }
            response.setStatusCode(204).end();
        };
    }
}
