package io.streamcdn.router.http;

import io.streamcdn.common.VideoIdSyntax;
import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.router.net.ClientAddress;
import io.streamcdn.router.routing.RankedEdge;
import io.streamcdn.router.routing.Routing;
import io.streamcdn.router.routing.Viewer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The viewer-facing HTTP front end of {@link Routing}:
 * <ul>
 *   <li>{@code GET|HEAD /videos/{id}/...}: 302 to the chosen edge's same path (and query), so any DASH or HLS
 *       player works through the router; the manifest's relative URLs then lead straight to the edge.</li>
 *   <li>{@code GET /api/route?video={id}}: the viewer as the router sees it and every available edge ranked,
 *       for players that fail over on their own.</li>
 * </ul>
 * Neither answer may be cached ({@code Cache-Control: no-store}): it depends on who asks and when.
 */
public final class ViewerRequests {

    private final Routing routing;
    private final ClientAddress clients;
    private final RouterMetrics metrics;

    public ViewerRequests(Routing routing, ClientAddress clients, RouterMetrics metrics) {
        this.routing = routing;
        this.clients = clients;
        this.metrics = metrics;
    }

    /** {@code GET|HEAD /videos/:id/*}. */
    public void redirect(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!VideoIdSyntax.isValid(id)) {
            ctx.fail(HttpProblem.badRequest("bad_id", "'" + id + "' is not a video id; " + VideoIdSyntax.RULE));
            return;
        }
        Decision decision = decide(ctx, id);
        if (decision == null) {
            return;
        }
        if (decision.ranked().isEmpty()) {
            metrics.noEdgeAnswered("redirect");
            ctx.fail(noEdge());
            return;
        }
        RankedEdge best = decision.ranked().get(0);
        metrics.decided(best.edge().name(), best.reason(), "redirect");
        HttpServerRequest request = ctx.request();
        ctx.response().setStatusCode(302)
                .putHeader(HttpHeaders.LOCATION, best.edge().url() + request.uri())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Edge", best.edge().name())
                .end();
    }

    /** {@code GET /api/route?video=ID}. */
    public void route(RoutingContext ctx) {
        String id = ctx.request().getParam("video");
        if (!VideoIdSyntax.isValid(id)) {
            ctx.fail(HttpProblem.badRequest("bad_video", "give ?video= a video id; " + VideoIdSyntax.RULE));
            return;
        }
        Decision decision = decide(ctx, id);
        if (decision == null) {
            return;
        }
        Viewer viewer = decision.viewer();
        JsonObject client = new JsonObject().put("ip", viewer.address().getHostAddress())
                .put("source", viewer.source().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .put("zone", viewer.zone().orElse(null))
                .put("location", viewer.location().map(p -> new JsonObject().put("lat", p.latitude())
                        .put("lon", p.longitude())).orElse(null));
        JsonArray edges = new JsonArray();
        for (RankedEdge edge : decision.ranked()) {
            edges.add(new JsonObject().put("name", edge.edge().name()).put("url", edge.edge().url().toString())
                    .put("distanceKm", edge.distanceKm() < 0 ? null : Math.round(edge.distanceKm() * 10) / 10.0)
                    .put("load", Math.round(edge.load() * 1000) / 1000.0).put("reason", edge.reason()));
        }
        if (decision.ranked().isEmpty()) {
            metrics.noEdgeAnswered("route");
        } else {
            metrics.decided(decision.ranked().get(0).edge().name(), decision.ranked().get(0).reason(), "route");
        }
        ctx.response().setStatusCode(decision.ranked().isEmpty() ? 503 : 200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("video", id).put("client", client).put("edges", edges).encode());
    }

    private record Decision(Viewer viewer, List<RankedEdge> ranked) {
    }

    /** Locates and ranks; on a bad client address fails the request (400) and returns null. */
    private Decision decide(RoutingContext ctx, String key) {
        long started = System.nanoTime();
        HttpServerRequest request = ctx.request();
        ClientAddress.Result client = clients.resolve(
                request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress(),
                request.getHeader("X-Forwarded-For"));
        if (client instanceof ClientAddress.Bad bad) {
            ctx.fail(HttpProblem.badRequest("bad_client_address", bad.reason()));
            return null;
        }
        Viewer viewer = routing.locate(((ClientAddress.Found) client).address());
        List<RankedEdge> ranked = routing.rank(viewer, key);
        metrics.lookup(System.nanoTime() - started);
        return new Decision(viewer, ranked);
    }

    private static HttpProblem noEdge() {
        return new HttpProblem(new ApiError(503, "no_edge_available",
                "no edge is available right now (all are down, unchecked or unregistered); try again shortly"));
    }
}
