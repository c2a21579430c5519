package io.streamcdn.router.http;

import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.router.registry.EdgeDescription;
import io.streamcdn.router.registry.EdgeRegistry;
import io.streamcdn.router.registry.EdgeStatus;
import io.streamcdn.router.registry.HealthChecker;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcdn.router.routing.Edge;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The edges' side of the router:
 * <ul>
 *   <li>{@code POST /api/edges/{name}/heartbeat}: an edge registers or refreshes itself (heartbeat contract 1,
 *       README); 204. Behind the admin guard (the token, or loopback without one): every new registration is logged.</li>
 *   <li>{@code DELETE /api/edges/{name}}: an edge leaves; 204, or 404 when unknown.</li>
 *   <li>{@code GET /api/edges}: the registry with health and load, for operators.</li>
 * </ul>
 */
public final class EdgeApi {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeApi.class);

    private final EdgeRegistry registry;
    private final HealthChecker health;

    public EdgeApi(EdgeRegistry registry, HealthChecker health) {
        this.registry = registry;
        this.health = health;
    }

    public void heartbeat(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            ctx.fail(HttpProblem.badRequest("bad_json", "the heartbeat is not a JSON object"));
            return;
        }
        if (body == null) {
            ctx.fail(HttpProblem.badRequest("bad_json", "the heartbeat has no body"));
            return;
        }
        EdgeDescription.Heartbeat beat;
        try {
            beat = EdgeDescription.heartbeat(name, body);
        } catch (IllegalArgumentException e) {
            LOG.warn("refused a heartbeat for {} from {}: {}", name, ctx.request().remoteAddress(), e.getMessage());
            ctx.fail(HttpProblem.badRequest("bad_heartbeat", e.getMessage()));
            return;
        }
        Edge edge = beat.edge();
        if (!edge.addresses().isEmpty()) {
            record(ctx, beat, edge);
            return;
        }
        // A URL with a host name: DNS routing needs its addresses. Reuse what was resolved for the same URL;
        // resolve a new one on a worker thread (a lookup blocks), and register even if it fails.
        Optional<Edge> known = registry.get(name).map(EdgeStatus::edge)
                .filter(e -> e.url().equals(edge.url()) && !e.addresses().isEmpty());
        if (known.isPresent()) {
            record(ctx, beat, withAddresses(edge, known.get().addresses()));
            return;
        }
        ctx.vertx().executeBlocking(() -> List.of(InetAddress.getAllByName(edge.url().getHost())), false)
                .onComplete(resolved -> {
                    if (resolved.failed()) {
                        LOG.warn("edge {}: cannot resolve {} ({}); DNS routing will not hand it out", name,
                                edge.url().getHost(), resolved.cause().toString());
                    }
                    record(ctx, beat, resolved.succeeded() ? withAddresses(edge, resolved.result()) : edge);
                });
    }

    private void record(RoutingContext ctx, EdgeDescription.Heartbeat beat, Edge edge) {
        if (registry.heartbeat(edge, beat.load(), beat.connections(), beat.bitsPerSecond())) {
            LOG.info("edge {} registered from {}", edge.name(), ctx.request().remoteAddress());
            health.checkAll(); // a new edge need not wait a whole interval for its first check
        }
        ctx.response().setStatusCode(204).end();
    }

    private static Edge withAddresses(Edge edge, List<InetAddress> addresses) {
        return new Edge(edge.name(), edge.url(), edge.location(), edge.zone(), addresses, edge.capacityConnections(),
                edge.capacityBitsPerSecond());
    }

    public void deregister(RoutingContext ctx) {
        if (registry.remove(ctx.pathParam("name"))) {
            ctx.response().setStatusCode(204).end();
        } else {
            ctx.fail(HttpProblem.notFound("no edge named " + ctx.pathParam("name") + " is registered"));
        }
    }

    public void list(RoutingContext ctx) {
        JsonArray edges = new JsonArray();
        long now = System.nanoTime();
        for (EdgeStatus status : registry.all()) {
            JsonArray addresses = new JsonArray();
            status.edge().addresses().stream().map(InetAddress::getHostAddress).forEach(addresses::add);
            edges.add(new JsonObject()
                    .put("name", status.edge().name())
                    .put("url", status.edge().url().toString())
                    .put("source", status.origin() == EdgeStatus.Origin.STATIC ? "file" : "heartbeat")
                    .put("available", status.available())
                    .put("checked", status.checked())
                    .put("problem", status.lastProblem())
                    .put("load", Math.round(status.load() * 1000) / 1000.0)
                    .put("connections", status.connections())
                    .put("bitsPerSecond", status.bitsPerSecond())
                    .put("location", status.edge().location().map(p -> new JsonObject().put("lat", p.latitude())
                            .put("lon", p.longitude())).orElse(null))
                    .put("zone", status.edge().zone().orElse(null))
                    .put("addresses", addresses)
                    .put("capacity", new JsonObject().put("connections", status.edge().capacityConnections())
                            .put("bitsPerSecond", status.edge().capacityBitsPerSecond()))
                    .put("secondsSinceHeartbeat", status.origin() == EdgeStatus.Origin.HEARTBEAT
                            ? (now - status.lastHeartbeatNanos()) / 1_000_000_000L : null));
        }
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("edges", edges).encode());
    }
}
