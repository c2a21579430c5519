package io.streamcdn.router.http;

import io.streamcdn.common.VideoIdSyntax;
import io.streamcdn.common.http.AccessLog;
import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.http.DateHeader;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.http.JsonErrors;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.router.net.ClientAddress;
import io.streamcdn.router.routing.RankedEdge;
import io.streamcdn.router.routing.Routing;
import io.streamcdn.router.routing.Viewer;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The viewer-facing HTTP front end of {@link Routing}:
 * <ul>
 *   <li>{@code GET|HEAD /videos/{id}/...}: 302 to the chosen edge's same path (and query), so any DASH or HLS
 *       player works through the router; the manifest's relative URLs then lead straight to the edge.</li>
 *   <li>{@code GET /api/route?video={id}}: the viewer as the router sees it and every available edge ranked,
 *       for players that fail over on their own.</li>
 * </ul>
 * Neither answer may be cached ({@code Cache-Control: no-store}): it depends on who asks and when. With signing
 * keys, both hand out the video's signed prefix ({@code /s/{expires}/{keyId}/{signature}/videos/{id}/}) instead of
 * {@code /videos/{id}/}: the redirect's {@code Location}, and every edge's {@code base} in the JSON.
 */
public final class ViewerRequests {

    private static final String VIDEOS = "/videos/";
    /** The route name redirects carry in metrics, the same as the Vert.x-web route's. */
    public static final String REDIRECT_ROUTE = "/videos/:id/*";
    /** Headers a page may read from the router's answers (the chosen edge, for players that show it). */
    public static final String EXPOSED_HEADERS = "X-Edge, Location";

    private final Routing routing;
    private final ClientAddress clients;
    private final RouterMetrics metrics;
    /** The count of 302s, held: incremented on nearly every request. */
    private final Counter redirected;
    private final CorsPolicy cors;
    private final DateHeader date;
    private final AccessLog accessLog;
    private final Optional<UrlSigner> signer;

    public ViewerRequests(Routing routing, ClientAddress clients, RouterMetrics metrics, CorsPolicy cors,
                          DateHeader date, AccessLog accessLog, Optional<UrlSigner> signer) {
        this.signer = signer;
        this.routing = routing;
        this.clients = clients;
        this.metrics = metrics;
        this.redirected = metrics.answers(REDIRECT_ROUTE, 302);
        this.cors = cors;
        this.date = date;
        this.accessLog = accessLog;
    }

    /**
     * Answers {@code GET|HEAD /videos/{id}/...} straight from the server's request handler and returns true, or
     * returns false for every other request (the Vert.x-web router takes those, and the odd redirect request with
     * a bad video id, which it answers with the usual JSON 400). Redirects are nearly all the router's traffic;
     * skipping the route dispatch for them is a third of its per-request Java time.
     */
    public boolean redirect(HttpServerRequest request) {
        HttpMethod method = request.method();
        String path = request.path();
        if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || path == null || !path.startsWith(VIDEOS)) {
            return false;
        }
        int slash = path.indexOf('/', VIDEOS.length());
        if (slash < 0 || slash == path.length() - 1) {
            return false;
        }
        String id = path.substring(VIDEOS.length(), slash);
        if (!VideoIdSyntax.isValid(id)) {
            return false;
        }
        accessLog.watch(request);
        HttpServerResponse response = request.response();
        response.putHeader(HttpHeaders.DATE, date.now());
        cors.decorate(request, response, EXPOSED_HEADERS);
        long started = System.nanoTime();
        ClientAddress.Result client = client(request);
        if (client instanceof ClientAddress.Bad bad) {
            metrics.refused("redirect");
            metrics.answered(REDIRECT_ROUTE, 400);
            JsonErrors.send(response, badClient(bad), Map.of());
            return true;
        }
        Viewer viewer = routing.locate(((ClientAddress.Found) client).address());
        // Only the winner: ranking every edge is for /api/route, which shows them all.
        Optional<RankedEdge> chosen = routing.best(viewer, id);
        metrics.lookup(System.nanoTime() - started);
        if (chosen.isEmpty()) {
            metrics.noEdgeAnswered("redirect");
            metrics.answered(REDIRECT_ROUTE, 503);
            JsonErrors.send(response, noEdge(), Map.of());
            return true;
        }
        RankedEdge best = chosen.get();
        metrics.decided(best.edge().name(), best.reason(), "redirect");
        redirected.increment();
        response.setStatusCode(302)
                .putHeader(HttpHeaders.LOCATION, location(best.edge().url().toString(), request, id, slash))
                .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
                .putHeader(X_EDGE, best.edge().name())
                .end();
        return true;
    }

    /** The edge's URL for the same file (and query): signed when there are keys, else the request's own URI. */
    private String location(String edgeUrl, HttpServerRequest request, String id, int slash) {
        if (signer.isEmpty()) {
            return edgeUrl + request.uri();
        }
        String query = request.query();
        return edgeUrl + signer.get().prefix(id) + request.path().substring(slash + 1)
                + (query == null ? "" : "?" + query);
    }

    /** Where a player fetches the video's files on an edge: its manifest is {@code base + "manifest.mpd"}. */
    private String base(String edgeUrl, String id) {
        return edgeUrl + signer.map(s -> s.prefix(id)).orElse(VIDEOS + id + "/");
    }

    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
    private static final CharSequence X_EDGE = HttpHeaders.createOptimized("X-Edge");

    /** {@code GET|HEAD /videos/:id/*} reached through the Vert.x-web router: only a bad video id gets here. */
    public void badRedirect(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ctx.fail(HttpProblem.badRequest("bad_id", "'" + id + "' is not a video id; " + VideoIdSyntax.RULE));
    }

    /** {@code GET /api/route?video=ID}. */
    public void route(RoutingContext ctx) {
        String id = ctx.request().getParam("video");
        if (!VideoIdSyntax.isValid(id)) {
            ctx.fail(HttpProblem.badRequest("bad_video", "give ?video= a video id; " + VideoIdSyntax.RULE));
            return;
        }
        Decision decision = decide(ctx.request(), id);
        if (decision instanceof Refused refused) {
            metrics.refused("route");
            ctx.fail(new HttpProblem(refused.error()));
            return;
        }
        Ranked ranked = (Ranked) decision;
        Viewer viewer = ranked.viewer();
        JsonObject client = new JsonObject().put("ip", viewer.address().getHostAddress())
                .put("source", viewer.source().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .put("zone", viewer.zone().orElse(null))
                .put("location", viewer.location().map(p -> new JsonObject().put("lat", p.latitude())
                        .put("lon", p.longitude())).orElse(null));
        JsonArray edges = new JsonArray();
        for (RankedEdge edge : ranked.edges()) {
            String url = edge.edge().url().toString();
            edges.add(new JsonObject().put("name", edge.edge().name()).put("url", url).put("base", base(url, id))
                    .put("distanceKm", edge.distanceKm() < 0 ? null : Math.round(edge.distanceKm() * 10) / 10.0)
                    .put("load", Math.round(edge.load() * 1000) / 1000.0).put("reason", edge.reason()));
        }
        if (ranked.edges().isEmpty()) {
            metrics.noEdgeAnswered("route");
        } else {
            metrics.decided(ranked.edges().get(0).edge().name(), ranked.edges().get(0).reason(), "route");
        }
        ctx.response().setStatusCode(ranked.edges().isEmpty() ? 503 : 200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("video", id).put("client", client).put("edges", edges).encode());
    }

    /** What locating and ranking came to. */
    private sealed interface Decision permits Ranked, Refused {
    }

    private record Ranked(Viewer viewer, List<RankedEdge> edges) implements Decision {
    }

    /** The request names no usable client address (400). */
    private record Refused(ApiError error) implements Decision {
    }

    private Decision decide(HttpServerRequest request, String key) {
        long started = System.nanoTime();
        ClientAddress.Result client = client(request);
        if (client instanceof ClientAddress.Bad bad) {
            return new Refused(badClient(bad));
        }
        Viewer viewer = routing.locate(((ClientAddress.Found) client).address());
        List<RankedEdge> ranked = routing.rank(viewer, key);
        metrics.lookup(System.nanoTime() - started);
        return new Ranked(viewer, ranked);
    }

    private ClientAddress.Result client(HttpServerRequest request) {
        return clients.resolve(request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress(),
                request.getHeader(X_FORWARDED_FOR));
    }

    private static ApiError badClient(ClientAddress.Bad bad) {
        return new ApiError(400, "bad_client_address", bad.reason());
    }

    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

    private static ApiError noEdge() {
        return new ApiError(503, "no_edge_available",
                "no edge is available right now (all are down, unchecked or unregistered); try again shortly");
    }
}
